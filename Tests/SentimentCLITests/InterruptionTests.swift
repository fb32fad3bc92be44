import Foundation
import SentimentKit
import Testing

/// A `sentiment` process whose standard error is collected as it comes, so a test can wait for a line
/// before it sends a signal. Every wait has a deadline, so a test fails rather than hangs.
final class SignalledRun: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    private let errorPipe = Pipe()
    private let lock = NSLock()
    private var errorBytes: [UInt8] = []
    /// Signalled when standard error reaches its end (the process has exited).
    private let errorEnded = DispatchSemaphore(value: 0)

    init(_ arguments: [String], in directory: URL) throws {
        guard let url = SentimentBinary.url else { throw SentimentBinary.NotFound() }
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorPipe
        try process.run()
        // A plain thread reading to the end, rather than a readability handler, so nothing outlives the run.
        let reader = errorPipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while case let data = reader.availableData, !data.isEmpty {
                lock.withLock { errorBytes += data }
            }
            errorEnded.signal()
        }
    }

    var standardError: String { lock.withLock { String(decoding: errorBytes, as: UTF8.self) } }

    /// Waits until standard error holds a line for which `matches` is true.
    func waitForLine(timeout: TimeInterval = 120, _ matches: (Substring) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let lines = standardError.split(separator: "\n")
            if lines.contains(where: matches) { return true }
            if !process.isRunning { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Waits for the process to end; its exit status (the negated signal number when a signal ended
    /// it), or nil when it is still running at the deadline (it is then killed).
    func waitForExit(timeout: TimeInterval = 60) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let stillRunning = process.isRunning
        if stillRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        _ = errorEnded.wait(timeout: .now() + 10)
        guard !stillRunning else { return nil }
        return process.terminationReason == .exit ? process.terminationStatus : -process.terminationStatus
    }
}

private func contents(of directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

@Suite("Signals: SIGINT and SIGTERM", .serialized)
struct InterruptionTests {
    private let corpus = TestModelFiles.englishCorpus.path
    /// Enough epochs that no run ends before the signal; no pre-training, so epochs start at once.
    private let longRun =
        ["--epochs", "20000", "--patience", "0", "--pretrain-epochs", "0"] + TestModelFiles.tinyNetwork

    @Test func sigintDuringTrainingKeepsTheBestEpochAndExits130() throws {
        try withTemporaryDirectory { directory in
            let model = directory.appendingPathComponent("m.safetensors")
            let run = try SignalledRun(["train", corpus, "--model", model.path] + longRun, in: directory)
            #expect(run.waitForLine { $0.hasPrefix("epoch 1/20000:") }, "\(run.standardError)")
            run.process.interrupt()
            let status = run.waitForExit()
            #expect(status == 130, "\(run.standardError)")
            let lines = outputLines(run.standardError)
            #expect(lines.contains("SIGINT: stopping after the current step (send it again to stop at once)"))
            let last = try #require(lines.last)
            // "interrupted: best model so far (epoch K, validation accuracy X) is in PATH"
            #expect(last.hasPrefix("interrupted: best model so far (epoch "), "\(last)")
            #expect(last.hasSuffix(") is in \(model.path)"), "\(last)")
            let loaded = try SentimentModel(contentsOf: model)
            let record = try #require(loaded.trainingRecord)
            let accuracy = try #require(record.validationAccuracy)
            #expect(
                last.contains(
                    "(epoch \(record.bestEpoch ?? 0), validation accuracy \(String(format: "%.4f", accuracy)))"
                ),
                "\(last) against the file's record \(record)")
            // Every finished epoch was reported; the kept one is among them.
            let epochs = lines.filter { $0.hasPrefix("epoch ") }.count
            #expect((1...epochs).contains(record.bestEpoch ?? 0))
            // Neither a temporary file nor the lock is left.
            #expect(try contents(of: directory) == ["m.safetensors"])
        }
    }

    @Test func sigtermWithoutValidationWritesTheLastEpochAndExits143() throws {
        try withTemporaryDirectory { directory in
            // Without validation no checkpoint is written while training: the interruption writes one.
            let model = directory.appendingPathComponent("m.safetensors")
            let run = try SignalledRun(
                ["train", corpus, "--model", model.path, "--valid-split", "0"] + longRun, in: directory)
            #expect(run.waitForLine { $0.hasPrefix("epoch 2/20000:") }, "\(run.standardError)")
            run.process.terminate()
            let status = run.waitForExit()
            #expect(status == 143, "\(run.standardError)")
            let last = try #require(outputLines(run.standardError).last)
            #expect(last.hasPrefix("interrupted: best model so far (epoch "), "\(last)")
            #expect(last.hasSuffix(", no validation) is in \(model.path)"), "\(last)")
            let record = try #require(try SentimentModel(contentsOf: model).trainingRecord)
            #expect(last.contains("(epoch \(record.bestEpoch ?? 0), no validation)"), "\(last)")
            #expect((record.bestEpoch ?? 0) >= 2)
            #expect(try contents(of: directory) == ["m.safetensors"])
        }
    }

    @Test func interruptedScoreLeavesThePreviousOutputAndNoTemporaryFile() throws {
        let trained = try TestModelFiles.trained.get()
        try withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("out.tsv")
            try Data("previous output\n".utf8).write(to: output)
            for (send, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
                let run = try SignalledRun(
                    ["score", "--model", trained.path, "-o", output.path], in: directory)
                // A slow pipe: some lines now, the rest never comes before the signal.
                run.input.fileHandleForWriting.write(Data("great film\nawful plot\n".utf8))
                // The temporary file exists while scoring is under way (so its removal is what is tested).
                let deadline = Date().addingTimeInterval(30)
                while try contents(of: directory).count < 2 && Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.02)
                }
                #expect(try contents(of: directory).contains { $0.hasPrefix(".out.tsv.tmp-") })
                Thread.sleep(forTimeInterval: 0.3)
                kill(run.process.processIdentifier, send)
                #expect(run.waitForExit() == status, "\(run.standardError)")
                #expect(
                    outputLines(run.standardError).last
                        == "interrupted: \(output.path) was not written (a file already there is untouched)")
                #expect(try String(contentsOf: output, encoding: .utf8) == "previous output\n")
                #expect(try contents(of: directory) == ["out.tsv"])
            }
        }
    }
}
