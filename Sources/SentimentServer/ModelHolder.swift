import Foundation
import Logging
import SentimentKit
import ServiceLifecycle
import UnixSignals

/// The model being served, and its replacement: loads it at start (the server answers 503 until then),
/// then reloads it on SIGHUP or `reload(trigger:)` (POST /v1/reload). A reload reads the file into a
/// new `ServedModel` and swaps it in only when the whole file loaded: a bad file is refused, logged and
/// the old model keeps serving. Requests admitted before the swap finish on the old model.
final class ModelHolder: Service, @unchecked Sendable {
    // @unchecked: `current` and `reloading` are only touched under `lock`.

    /// What a reload did.
    enum ReloadOutcome {
        case loaded(ServedModel)
        case refused(String)
        case alreadyReloading
    }

    private let source: ModelSource
    private let metrics: ServerMetrics
    private let logger: Logger
    private let lock = NSLock()
    private var current: ServedModel?
    private var reloading = false

    init(source: ModelSource, metrics: ServerMetrics, logger: Logger) {
        self.source = source
        self.metrics = metrics
        self.logger = logger
    }

    /// The model requests are answered with now; nil until the first load has finished.
    var model: ServedModel? { lock.withLock { current } }

    /// Loads the model (a failure stops the server with the loader's message), then reloads it on
    /// every SIGHUP until a graceful shutdown.
    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        lock.withLock { reloading = true }
        let first = await load(generation: 1)
        switch first {
        case .success(let model):
            lock.withLock {
                current = model
                reloading = false
            }
        case .failure(let error):
            throw error
        }
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                _ = await self.reload(trigger: "SIGHUP")
            }
        }
    }

    /// Reads the model again and serves it if it loads; one reload at a time.
    func reload(trigger: String) async -> ReloadOutcome {
        let generation: Int? = lock.withLock {
            guard !reloading, let current else { return nil }
            reloading = true
            return current.generation + 1
        }
        guard let generation else {
            logger.notice("reload ignored: a load is already under way", metadata: ["trigger": "\(trigger)"])
            return .alreadyReloading
        }
        defer { lock.withLock { reloading = false } }
        switch await load(generation: generation) {
        case .success(let model):
            lock.withLock { current = model }
            return .loaded(model)
        case .failure(let error):
            metrics.recordReload(outcome: "refused")
            logger.warning(
                "reload refused; the previous model keeps serving",
                metadata: ["trigger": "\(trigger)", "model": "\(source.name)", "error": "\(error)"])
            return .refused("\(error)")
        }
    }

    /// Loads the source off the concurrency pool (a large file takes a while to read and check).
    private func load(generation: Int) async -> Result<ServedModel, any Error> {
        let source = source
        let start = ContinuousClock.now
        let result = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    returning: Result {
                        try ServedModel(model: source.load(), name: source.name, generation: generation)
                    })
            }
        }
        if case .success = result {
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            metrics.recordModelLoad(seconds: seconds, generation: generation)
            if generation > 1 { metrics.recordReload(outcome: "loaded") }
            logger.info(
                generation == 1 ? "model loaded" : "model reloaded",
                metadata: [
                    "model": "\(source.name)", "generation": "\(generation)",
                    "seconds": "\(String(format: "%.3f", seconds))",
                ])
        }
        return result
    }
}
