import Foundation
import Testing

/// A 64 KiB tmpfs mounted on a fresh directory, for a disk that fills up; nil when this process may not
/// mount (not root, or no CAP_SYS_ADMIN in a container). Unmounted and removed by `release()`.
private final class SmallDisk {
    let url: URL

    init?() {
        guard getuid() == 0 else { return nil }
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sentiment-full-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)) != nil
        else { return nil }
        guard mount("tmpfs", url.path, "tmpfs", 0, "size=64k") == 0 else {
            try? FileManager.default.removeItem(at: url)
            return nil
        }
    }

    func release() {
        umount(url.path)
        try? FileManager.default.removeItem(at: url)
    }

    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

private let diskCanBeMounted: Bool = {
    guard let disk = SmallDisk() else { return false }
    disk.release()
    return true
}()

@Suite(
    "A full disk", .enabled(if: diskCanBeMounted, "needs root and permission to mount a small tmpfs"))
struct FullDiskTests {
    @Test func scoreAndTrainStopWithTheReasonAndLeaveNoPartialFile() throws {
        let trained = try TestModelFiles.trained.get()
        let disk = try #require(SmallDisk())
        defer { disk.release() }
        let output = disk.url.appendingPathComponent("out.tsv")
        try Data("old scores\n".utf8).write(to: output)
        // About 400 KB of output lines: far more than the disk holds.
        let input = Array(String(repeating: "a fairly long line of text to score\n", count: 20_000).utf8)
        let score = try SentimentBinary.run(
            ["score", "--model", trained.path, "-o", output.path], input: input)
        #expect(score.status == 1, "\(score.standardError)")
        #expect(
            score.standardError == "Error: \(output.path): cannot write: No space left on device\n",
            "\(score.standardError)")
        #expect(try String(contentsOf: output, encoding: .utf8) == "old scores\n")
        #expect(try disk.contents() == ["out.tsv"])

        // A model of several hundred kilobytes (an embedding of 128 per token) does not fit either.
        let model = disk.url.appendingPathComponent("m.safetensors")
        let train = try SentimentBinary.run([
            "train", TestModelFiles.englishCorpus.path, "--model", model.path, "--epochs", "1",
            "--pretrain-epochs", "0", "--embedding-dim", "128", "--hidden", "8",
        ])
        #expect(train.status == 1, "\(train.standardError)")
        #expect(
            outputLines(train.standardError).last
                == "Error: \(model.path): cannot write the model: \(model.path): cannot write: No space left on device"
        )
        #expect(try disk.contents() == ["out.tsv"])
    }
}
