import Embedding
import Foundation
import GRUClassifier
import SentimentKit
import Testing

@Suite struct AtomicFileTests {
    @Test func oneShotWriteCreatesTheFileAndLeavesNoTemporaryFile() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("out.bin")
        let payload = Data((0..<1000).map { UInt8($0 % 251) })
        try AtomicFile.write(payload, to: destination)
        #expect(try Data(contentsOf: destination) == payload)
        #expect(try scratch.contents() == ["out.bin"])
    }

    @Test func oneShotWriteReplacesAnExistingFile() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("out.txt")
        try Data("old contents that are longer".utf8).write(to: destination)
        try AtomicFile.write(Data("new".utf8), to: destination)
        #expect(try String(contentsOf: destination, encoding: .utf8) == "new")
        #expect(try scratch.contents() == ["out.txt"])
    }

    @Test func streamingWritesOfManySizesArriveInOrder() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("lines.tsv")
        // A tiny buffer exercises every path: appending to the buffer, flushing it, and writing pieces
        // larger than the buffer directly.
        let writer = try AtomicFileWriter(destination: destination, bufferCapacity: 16)
        var expected = Data()
        var generator = SplitMix64(seed: 7)
        for line in 0..<500 {
            let piece = String(repeating: "x", count: Int(generator.next() % 40)) + "\t\(line)\n"
            try writer.write(piece)
            expected.append(contentsOf: piece.utf8)
        }
        let big = Data(repeating: 0xAB, count: 100)
        try writer.write(big)
        expected.append(big)
        // Nothing is visible at the destination until commit.
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        try writer.commit()
        #expect(try Data(contentsOf: destination) == expected)
        #expect(try scratch.contents() == ["lines.tsv"])
    }

    @Test func emptyFileCanBeCommitted() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("empty")
        let writer = try AtomicFileWriter(destination: destination)
        try writer.commit()
        #expect(try Data(contentsOf: destination).isEmpty)
    }

    @Test func abortLeavesTheDestinationUntouchedAndRemovesTheTemporaryFile() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("model.safetensors")
        try Data("previous".utf8).write(to: destination)
        let writer = try AtomicFileWriter(destination: destination, bufferCapacity: 4)
        try writer.write(Data("replacement that was never finished".utf8))
        #expect(try scratch.contents().count == 2, "the temporary file exists while writing")
        writer.abort()
        #expect(try String(contentsOf: destination, encoding: .utf8) == "previous")
        #expect(try scratch.contents() == ["model.safetensors"])
    }

    @Test func abandonedWriterRemovesItsTemporaryFile() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("abandoned.txt")
        do {
            let writer = try AtomicFileWriter(destination: destination, bufferCapacity: 4)
            try writer.write("some bytes that reach the disk")
            #expect(try scratch.contents().count == 1)
        }
        #expect(try scratch.contents().isEmpty)
    }

    @Test func writerCannotBeUsedAfterCommitOrAbort() throws {
        let scratch = try ScratchDirectory()
        let committed = try AtomicFileWriter(destination: scratch.url.appendingPathComponent("a"))
        try committed.commit()
        #expect(throws: AtomicFileError.self) { try committed.write("late") }
        #expect(throws: AtomicFileError.self) { try committed.commit() }

        let aborted = try AtomicFileWriter(destination: scratch.url.appendingPathComponent("b"))
        aborted.abort()
        let error = #expect(throws: AtomicFileError.self) { try aborted.commit() }
        #expect(error?.operation == .notOpen)
        #expect(try scratch.contents() == ["a"])
    }

    @Test func missingDirectoryIsReportedWithThePath() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("no-such-dir/out.tsv")
        let error = #expect(throws: AtomicFileError.self) {
            try AtomicFile.write(Data("x".utf8), to: destination)
        }
        #expect(error?.operation == .createTemporaryFile)
        #expect(error?.errorNumber == ENOENT)
        let message = error?.description ?? ""
        #expect(message.hasPrefix("\(destination.path): cannot create a temporary file beside it: "))
        #expect(message.contains("No such file or directory"))
        #expect(message.contains("the directory '\(scratch.url.path)/no-such-dir' does not exist"))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self"), "needs Linux's /proc"))
    func aDirectoryThatRefusesNewFilesIsNotCalledMissing() throws {
        // procfs answers ENOENT to O_CREAT; the message must not suggest that /proc does not exist.
        let error = #expect(throws: AtomicFileError.self) {
            try AtomicFile.write(Data("x".utf8), to: URL(fileURLWithPath: "/proc/sentiment-test.tsv"))
        }
        let message = error?.description ?? ""
        #expect(message.contains("the directory '/proc' exists but does not accept new files"), "\(message)")
        #expect(!message.contains("does not exist"))
    }

    @Test func checkWritableFindsTheProblemsOfAWriteAndLeavesNothingBehind() throws {
        let scratch = try ScratchDirectory()
        try AtomicFile.checkWritable(scratch.url.appendingPathComponent("fine.tsv"))
        #expect(try scratch.contents() == [])
        let missing = #expect(throws: AtomicFileError.self) {
            try AtomicFile.checkWritable(scratch.url.appendingPathComponent("no-such-dir/out.tsv"))
        }
        #expect(missing?.errorNumber == ENOENT)
        let folder = scratch.url.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let directory = #expect(throws: AtomicFileError.self) { try AtomicFile.checkWritable(folder) }
        #expect(directory?.description.contains("the destination is a directory") == true)
        #expect(try scratch.contents() == ["folder"])
    }

    @Test func destinationThatIsADirectoryFailsAtCommitAndCleansUp() throws {
        let scratch = try ScratchDirectory()
        let destination = scratch.url.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(
            at: destination.appendingPathComponent("child"), withIntermediateDirectories: false)
        let writer = try AtomicFileWriter(destination: destination)
        try writer.write("data")
        let error = #expect(throws: AtomicFileError.self) { try writer.commit() }
        #expect(error?.operation == .rename)
        #expect(error?.description.contains(destination.path) == true)
        #expect(try scratch.contents() == ["taken"])
    }

    @Test(.enabled(if: getuid() != 0, "root ignores directory permissions"))
    func readOnlyDirectoryIsReportedAsPermissionDenied() throws {
        let scratch = try ScratchDirectory()
        let locked = scratch.url.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: locked.path)
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: locked.path)
        }
        let error = #expect(throws: AtomicFileError.self) {
            try AtomicFile.write(Data("x".utf8), to: locked.appendingPathComponent("out"))
        }
        #expect(error?.errorNumber == EACCES)
        #expect(error?.description.contains("Permission denied") == true)
        #expect(error?.description.contains("writable") == true)
    }
}
