import Foundation
import Testing

/// Locates the read-only `shared` folder that sits beside the project: `SENTIMENT_SHARED` first, then the
/// first ancestor of this file that has a `shared/golden` child. (Tests/SentimentKitTests holds a symbolic
/// link to this file, beside one to GoldenCase.swift.)
enum SharedMaterial {
    static let directory: URL? = {
        let fileManager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["SENTIMENT_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared", isDirectory: true)
            if fileManager.fileExists(atPath: candidate.appendingPathComponent("golden").path) {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    static var goldenReference: URL? {
        guard let directory else { return nil }
        let file = directory.appendingPathComponent("golden/bigru_reference.json")
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }
}

let goldenAvailable = SharedMaterial.goldenReference != nil

extension GoldenCase {
    /// The cases of ../shared/golden/bigru_reference.json.
    static func load() throws -> [GoldenCase] {
        try load(from: try #require(SharedMaterial.goldenReference))
    }
}

extension SharedMaterial {
    /// ../shared/golden/bigru_reference_extra.json: a 2-layer model and three Adam steps with clipping.
    static var goldenExtra: URL? {
        guard let directory else { return nil }
        let file = directory.appendingPathComponent("golden/bigru_reference_extra.json")
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }
}
