import Foundation
import Testing

/// The peak resident memory (VmHWM) of a running process, in bytes, from /proc.
private func peakResidentBytes(of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
        return kilobytes * 1024
    }
    return nil
}

@Suite(
    "Scoring memory",
    .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "needs Linux's /proc"))
struct ScoringMemoryTests {
    @Test func peakMemoryStaysFlatAsTheInputGrowsTenfold() throws {
        let trained = try TestModelFiles.trained.get()
        guard let url = SentimentBinary.url else { throw SentimentBinary.NotFound() }
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        let input = Pipe()
        process.executableURL = url
        process.arguments = ["score", "--model", trained.path, "--threads", "1"]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // 2 MB of reviews, then 18 MB more; writes block while the pipe is full, so by the time a write
        // returns the process has read all but the pipe's last 64 KiB.
        let block = Data(
            String(repeating: "the staff were lovely but the room was awful, never again\n", count: 1_000)
                .utf8)
        func feed(megabytes: Int) {
            for _ in 0..<(megabytes * 1_048_576 / block.count) { input.fileHandleForWriting.write(block) }
            Thread.sleep(forTimeInterval: 0.5)
        }
        feed(megabytes: 2)
        let afterSmall = try #require(peakResidentBytes(of: process.processIdentifier))
        feed(megabytes: 18)
        let afterLarge = try #require(peakResidentBytes(of: process.processIdentifier))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // Memory that grew with the input would add about 18 MB (the text alone); flat streaming adds
        // next to nothing.
        let growth = afterLarge - afterSmall
        #expect(
            growth < 8 * 1_048_576, "peak memory grew by \(growth / 1024) KiB, from \(afterSmall / 1024) KiB")
    }
}
