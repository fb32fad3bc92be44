import Foundation
import Testing

private let sst2 = SharedData.file("data/sst2")

#if DEBUG
    private let isReleaseBuild = false
#else
    private let isReleaseBuild = true
#endif

/// Trains with the default options (two epochs) on the first 8,000 SST-2 training sentences and requires
/// a test accuracy a working model reaches: the whole pipeline, end to end, on real data.
@Suite(
    "SST-2 accuracy smoke test",
    .enabled(if: sst2 != nil, "../shared/data/sst2 not found (set SENTIMENT_SHARED)"),
    .enabled(
        if: isReleaseBuild,
        "too slow in a debug build; run `swift test -c release -Xswiftc -enable-testing`"))
struct AccuracySmokeTests {
    static let trainingLines = 8000

    @Test func twoEpochsOnEightThousandSentencesReachSeventyFivePercent() throws {
        let data = try #require(sst2)
        try withTemporaryDirectory { directory in
            // The header and the first 8,000 sentences.
            let text = try String(contentsOf: data.appendingPathComponent("train.tsv"), encoding: .utf8)
            let subset = outputLines(text).prefix(Self.trainingLines + 1)
            #expect(subset.count == Self.trainingLines + 1)
            let training = directory.appendingPathComponent("train-8000.tsv")
            try Data((subset.joined(separator: "\n") + "\n").utf8).write(to: training)
            let model = directory.appendingPathComponent("sst2.safetensors")

            let train = try SentimentBinary.run([
                "train", training.path, "--valid", data.appendingPathComponent("dev.tsv").path, "--epochs",
                "2",
                "--model", model.path,
            ])
            #expect(train.status == 0, "\(train.standardError)")
            #expect(train.standardError.contains("train: 8000 training and 872 validation documents"))

            let eval = try SentimentBinary.run([
                "eval", "--model", model.path, "--format", "json",
                data.appendingPathComponent("test.tsv").path,
            ])
            #expect(eval.status == 0, "\(eval.standardError)")
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(eval.standardOutput.utf8)) as? [String: Any])
            let metrics = try #require(report["metrics"] as? [String: Any])
            #expect(metrics["count"] as? Int == 1821)
            let accuracy = try #require((metrics["accuracy"] as? NSNumber)?.doubleValue)
            #expect(accuracy >= 0.75, "SST-2 test accuracy \(accuracy)")
        }
    }
}
