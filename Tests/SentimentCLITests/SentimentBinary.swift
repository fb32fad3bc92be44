import Foundation

/// Runs the built `sentiment` executable, found next to the test bundle in the build products directory.
enum SentimentBinary {
    static let url: URL? = {
        var directories: [URL] = []
        if let executable = Bundle.main.executableURL {
            directories.append(executable.deletingLastPathComponent())
        }
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        directories.append(Bundle.main.bundleURL)
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for directory in directories {
            let candidate = directory.appendingPathComponent("sentiment")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
        var standardOutputBytes: [UInt8]
    }

    /// Runs `sentiment` with `arguments`, feeding it `input` on standard input. `environment` replaces the
    /// test process's environment when given.
    static func run(
        _ arguments: [String], input: [UInt8] = [], in directory: URL? = nil,
        environment: [String: String]? = nil
    ) throws -> Result {
        guard let url else { throw NotFound() }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sentiment-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inputURL = scratch.appendingPathComponent("stdin")
        let outputURL = scratch.appendingPathComponent("stdout")
        let errorURL = scratch.appendingPathComponent("stderr")
        try Data(input).write(to: inputURL)
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let inputHandle = try FileHandle(forReadingFrom: inputURL)
        let outputHandle = try FileHandle(forWritingTo: outputURL)
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        process.standardInput = inputHandle
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        try process.run()
        process.waitUntilExit()
        try inputHandle.close()
        try outputHandle.close()
        try errorHandle.close()
        let output = try Data(contentsOf: outputURL)
        let error = try Data(contentsOf: errorURL)
        return Result(
            status: process.terminationStatus, standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: error, as: UTF8.self), standardOutputBytes: Array(output))
    }

    struct NotFound: Error, CustomStringConvertible {
        var description: String { "the sentiment executable was not found next to the test bundle" }
    }
}

/// The shared folder (../shared beside the repository, or $SENTIMENT_SHARED), if present.
enum SharedData {
    static let directory: URL? = {
        if let path = ProcessInfo.processInfo.environment["SENTIMENT_SHARED"],
            FileManager.default.fileExists(atPath: path)
        {
            return URL(fileURLWithPath: path)
        }
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared")
            if ["data", "golden"].contains(where: {
                FileManager.default.fileExists(atPath: candidate.appendingPathComponent($0).path)
            }) {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    static func file(_ relativePath: String) -> URL? {
        guard let url = directory?.appendingPathComponent(relativePath),
            FileManager.default.fileExists(atPath: url.path)
        else { return nil }
        return url
    }
}
