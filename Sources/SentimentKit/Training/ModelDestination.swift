import Foundation

/// The file a training run writes its model to, made ready before any work: checked writable (a
/// missing or read-only directory is found at once, not after an epoch) and locked against a second run
/// writing the same file (`AdvisoryFileLock` on `<path>.lock`) until `release()` or until it is freed.
public final class ModelDestination {
    /// Where the model is written.
    public let url: URL
    private let lock: AdvisoryFileLock

    /// Checks `url` and takes its lock.
    /// - Throws: `ModelTrainingError.cannotWriteModel` when the file cannot be written there,
    ///   `ModelTrainingError.destinationLocked` when another run holds the lock.
    public init(_ url: URL) throws {
        self.url = url
        do {
            try AtomicFile.checkWritable(url)
        } catch let error as AtomicFileError {
            throw ModelTrainingError.cannotWriteModel(path: url.path, reason: error.reason)
        }
        do {
            lock = try AdvisoryFileLock(forWriting: url.path)
        } catch .held(let lockPath) {
            throw ModelTrainingError.destinationLocked(path: url.path, lockPath: lockPath)
        } catch {
            throw ModelTrainingError.cannotWriteModel(path: url.path, reason: "\(error)")
        }
    }

    /// Releases the lock (removing the lock file); does nothing the second time.
    public func release() { lock.unlock() }
}
