import Foundation

extension SentimentModel {
    /// Writes this model to `destination` in the current format (the wide channel sparse) with the
    /// weights stored at `precision` (nil: `self.precision`, which a loaded model takes from its file),
    /// then reads the file back and checks it: how `sentiment convert` rewrites a model file. The
    /// vocabulary, the config and the training record are kept; metadata keys a model file does not use
    /// (such as the `format` a PyTorch writer adds) are not. `destination` may be the file the model was
    /// loaded from: it is replaced atomically.
    /// - Returns: how the written file stores the model.
    /// - Throws: `ModelFileError` for a weight float16 cannot hold (naming the tensor; nothing is
    ///   written), `ModelTrainingError.cannotWriteModel` or `.destinationLocked` when the destination
    ///   cannot be written or a training run is writing it.
    public func convert(to destination: URL, precision: ModelFilePrecision? = nil) throws -> ModelFileStorage
    {
        let lockedDestination = try ModelDestination(destination)
        defer { lockedDestination.release() }
        do {
            try write(to: destination, precision: precision ?? self.precision)
        } catch let error as ModelFileError {
            throw error
        } catch {
            throw ModelTrainingError.cannotWriteModel(path: destination.path, reason: "\(error)")
        }
        guard let storage = try SentimentModel(contentsOf: destination, threadCount: 1).fileStorage else {
            preconditionFailure("a model loaded from a file describes its storage")
        }
        return storage
    }
}
