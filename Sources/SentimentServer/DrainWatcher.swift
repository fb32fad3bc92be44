import Foundation
import Logging
import ServiceLifecycle

/// Whether the server is shutting down (then /readyz answers 503).
final class DrainState: @unchecked Sendable {
    // @unchecked: `draining` is only touched under `lock`.
    private let lock = NSLock()
    private var draining = false

    var isDraining: Bool { lock.withLock { draining } }

    func begin() { lock.withLock { draining = true } }
}

/// The first service told of a graceful shutdown (SIGTERM, SIGINT): marks the server as draining, so
/// /readyz turns 503, and holds the shutdown for `delay` while everything is still served, so a load
/// balancer polling /readyz can stop sending before the listener closes. Then the HTTP server stops
/// accepting and finishes the requests in flight.
struct DrainWatcher: Service {
    let state: DrainState
    let delay: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        guard !Task.isCancelled else { return }
        state.begin()
        logger.info(
            "shutting down: /readyz answers 503; requests in flight are finished",
            metadata: ["drain_delay_seconds": "\(delay / .seconds(1))"])
        if delay > .zero { try? await Task.sleep(for: delay) }
    }
}
