import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `sentiment serve`: an HTTP service that scores text with a SentimentKit model. Endpoints, limits and
/// operations are described in docs/serving.md and docs/openapi.yaml.
///
/// ```swift
/// let server = try SentimentServer(configuration: ServerConfiguration(), model: .file("m.safetensors"),
///                                  logger: Logger(label: "serve"))
/// try await server.run()   // until SIGTERM or SIGINT, then drains
/// ```
public struct SentimentServer: Sendable {
    /// How the server listens, batches and limits.
    public let configuration: ServerConfiguration
    private let logger: Logger
    private let metrics: ServerMetrics
    private let models: ModelHolder
    private let scheduler: BatchScheduler
    private let drain = DrainState()
    private let onListening: @Sendable (Int) async -> Void

    /// A server for `model`; nothing runs until `run()` (or `makeApplication()`'s application runs).
    /// `onListening` is told the port once the server accepts connections (the one picked when the
    /// configuration's port is 0). Throws `ServerConfigurationError` for values that cannot work.
    public init(
        configuration: ServerConfiguration, model: ModelSource, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws {
        let problems = configuration.problems
        guard problems.isEmpty else { throw ServerConfigurationError(problems: problems) }
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        metrics = ServerMetrics(maxBatch: configuration.maxBatch)
        models = ModelHolder(source: model, metrics: metrics, logger: logger)
        scheduler = BatchScheduler(configuration: configuration, metrics: metrics, logger: logger)
    }

    /// Serves until one of `gracefulShutdownSignals` arrives, then drains: /readyz turns 503, the
    /// listener closes after the configuration's drain delay, requests in flight are finished (for at
    /// most the drain timeout) and the call returns. Throws when the model cannot be loaded at start or
    /// the address cannot be bound.
    public func run(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        try await makeServiceGroup(gracefulShutdownSignals: gracefulShutdownSignals).run()
    }

    /// The service group `run()` runs: the application, then the watcher that announces a drain (the
    /// last service is the first told of a graceful shutdown).
    public func makeServiceGroup(gracefulShutdownSignals: [UnixSignal]) -> ServiceGroup {
        var group = ServiceGroupConfiguration(
            services: [
                .init(service: makeApplication()),
                .init(service: DrainWatcher(state: drain, delay: configuration.drainDelay, logger: logger)),
            ],
            gracefulShutdownSignals: gracefulShutdownSignals, logger: logger)
        group.maximumGracefulShutdownDuration = configuration.drainTimeout
        group.maximumCancellationDuration = .seconds(2)
        return ServiceGroup(configuration: group)
    }

    /// The HTTP application with the model holder and the batch scheduler as its services (what
    /// HummingbirdTesting runs in the tests).
    public func makeApplication() -> some ApplicationProtocol {
        let router = Router()
        // Added first, so it wraps every route and the answer for unknown paths.
        router.add(middleware: RequestObserver(metrics: metrics, logger: logger))
        ServerRoutes(
            configuration: configuration, models: models, scheduler: scheduler, metrics: metrics, drain: drain
        ).add(to: router)
        let limit = configuration.maxBody
        let refusal = APIError.bodyTooLarge(limit: limit).body
        let metrics = metrics
        let logger = logger
        let onListening = onListening
        let onRefusedHead: @Sendable (HTTPRequest) -> Void = { head in
            let path = head.path.map { String($0.prefix { $0 != "?" }) } ?? ""
            metrics.recordRequest(
                route: ServerRoutes.methods[path] == nil ? "unmatched" : path, status: 413, duration: .zero)
            logger.debug(
                "request",
                metadata: [
                    "method": "\(head.method)", "path": "\(path)", "status": "413",
                    "error": "too_large: Content-Length over \(limit) bytes, body not read",
                ])
        }
        let scheduler = scheduler
        let overloaded = APIError.overloaded(retryAfterSeconds: configuration.retryAfterSeconds)
        let onShed: @Sendable (HTTPRequest) -> Void = { head in
            let path = head.path.map { String($0.prefix { $0 != "?" }) } ?? ""
            metrics.recordRequest(route: path, status: 503, duration: .zero)
            logger.debug(
                "request",
                metadata: [
                    "method": "\(head.method)", "path": "\(path)", "status": "503",
                    "error": "overloaded: refused from its head, body not read",
                ])
        }
        return Application(
            router: router,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [
                        BodyLimitHandler(limit: limit, refusalBody: refusal, onRefusedHead: onRefusedHead),
                        OverloadSheddingHandler(
                            isOverloaded: { scheduler.refusalBeforeReading() == .queueFull },
                            refusal: overloaded,
                            onShed: onShed),
                    ],
                    idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "sentiment"),
            services: [scheduler, models],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
                await onListening(port)
            },
            logger: logger)
    }
}

/// Server settings that cannot work, each naming its flag.
public struct ServerConfigurationError: Error, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}
