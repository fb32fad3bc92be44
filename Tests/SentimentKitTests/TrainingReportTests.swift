import SentimentKit
import Testing

/// The wording of a training run's report, which every front end shares.
struct TrainingReportTests {
    @Test func eventsAreWordedAndOptionsNamedByTheCaller() {
        let prepared = TrainingReport.line(
            for: .prepared(trainingDocuments: 90, validationDocuments: 10, vocabularySize: 1234, threads: 1),
            naming: \.rawValue)
        #expect(prepared == "90 training and 10 validation documents, vocabulary 1234 tokens, 1 thread")
        let frozen = TrainingReport.line(for: .embeddingFrozen(trainingTokens: 2_500_000)) { _ in "--scale" }
        #expect(frozen?.hasPrefix("the pre-trained embedding stays frozen (the training texts hold 2500000") == true)
        #expect(frozen?.hasSuffix("; --scale 1 fine-tunes it") == true)
        #expect(TrainingReport.line(for: .checkpointWritten(epoch: 1), naming: \.rawValue) == nil)
    }

    @Test(arguments: [
        (12345.6, "12,346"), (-1234, "-1,234"), (999, "999"), (0, "0"), (Double.nan, "-"),
    ])
    func countsAreGroupedByThousands(value: Double, expected: String) {
        #expect(TrainingReport.grouped(value) == expected)
    }

    @Test(arguments: [
        (42, "42.0 s"), (185, "3 min 05 s"), (3720, "1 h 02 min"), (-1, "-"), (Double.infinity, "-"),
    ])
    func durationsReadAsSecondsMinutesOrHours(seconds: Double, expected: String) {
        #expect(TrainingReport.duration(seconds) == expected)
    }

    @Test func figuresKeepTheirDecimals() {
        #expect(TrainingReport.fixed(0.82692, 4) == "0.8269")
        #expect(TrainingReport.fixed(0.7366, 3) == "0.737")
    }
}
