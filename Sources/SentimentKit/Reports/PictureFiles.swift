import Foundation

/// Writes pictures into a directory: created when missing, every file written atomically.
public enum PictureFiles {
    /// Creates `directory` (and its parents) unless it exists; throws, naming it, when that fails or
    /// when it is a file.
    public static func prepare(_ directory: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw PictureFileError(path: directory.path, reason: "is not a directory")
            }
            guard FileManager.default.isWritableFile(atPath: directory.path) else {
                throw PictureFileError(path: directory.path, reason: "is not writable")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw PictureFileError(
                path: directory.path, reason: "cannot be created (\(error.localizedDescription))")
        }
    }

    /// Writes each picture to `directory/name`; returns the paths written.
    @discardableResult
    public static func write(_ pictures: [(name: String, svg: String)], to directory: URL) throws -> [String]
    {
        try prepare(directory)
        return try pictures.map { picture in
            let url = directory.appendingPathComponent(picture.name)
            try AtomicFile.write(Data(picture.svg.utf8), to: url)
            return url.path
        }
    }
}

/// A picture directory that cannot be used.
public struct PictureFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
