import ArgumentParser
import Logging
import SentimentKit
import SentimentServer

/// `sentiment serve`: scores over HTTP until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    /// The defaults, read from the library.
    private static let defaults = ServerConfiguration()

    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve scores over HTTP: batched, bounded, with health, metrics and reload.",
        discussion: """
            POST /v1/score {"texts": ["…", …]} (or {"text": "…"}, and an optional "threshold") answers \
            {"results": [{"probability": p, "label": "positive"}, …], "model": "…"}, the probabilities \
            those `sentiment score` prints. Also POST /v1/explain, GET /healthz, /readyz, /v1/model (the \
            `info --format json` object), /metrics (Prometheus) and /openapi.yaml. Texts of concurrent \
            requests are scored together, up to --max-batch texts or --max-delay ms. Over the limits a \
            request gets 413 (body, texts) or 503 with Retry-After (queue); bad JSON gets 400 naming the \
            problem. SIGTERM or SIGINT: /readyz turns 503, requests in flight finish, exit 0. SIGHUP or \
            POST /v1/reload reads the model file again; a file that does not load is refused and the old \
            model keeps serving. Logs go to standard error. See docs/serving.md.

            \(ModelLocation.lookupDescription)

            Examples:
              sentiment serve --model film.safetensors --port 8080
              curl -s localhost:8080/v1/score -H 'Content-Type: application/json' \\
                  -d '{"texts": ["great film", "dull plot"]}'
            """
    )

    @Option(
        name: .shortAndLong, help: ArgumentHelp(ModelLocation.optionHelp))
    var model: String?

    @Option(help: "Address to listen on (default \(defaults.host)).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one, logged (default \(defaults.port)).")
    var port: Int?

    @OptionGroup var threadOptions: ThreadOptions

    @Option(help: "Most texts scored in one batch (default \(defaults.maxBatch)).")
    var maxBatch: Int?

    @Option(help: "Milliseconds a batch waits to fill (default \(defaults.maxDelay / .milliseconds(1))).")
    var maxDelay: Double?

    @Option(help: "Most texts waiting; beyond, 503 with Retry-After (default \(defaults.maxQueue)).")
    var maxQueue: Int?

    @Option(
        help: "Milliseconds the oldest queued text may wait past --max-delay before new requests get 503 (default \(defaults.maxQueueWait / .milliseconds(1))).")
    var maxQueueWait: Double?

    @Option(help: "Largest request body in bytes; beyond, 413 (default \(defaults.maxBody)).")
    var maxBody: Int?

    @Option(help: "Most texts in one score request; beyond, 413 (default \(defaults.maxTexts)).")
    var maxTexts: Int?

    @Option(help: "Most texts in one explain request (default \(defaults.maxExplainTexts)).")
    var maxExplainTexts: Int?

    @Option(help: "Seconds /readyz answers 503 before the listener closes (default \(defaults.drainDelay / .seconds(1))).")
    var drainDelay: Double?

    @Option(help: "Most seconds a shutdown waits for requests in flight (default \(defaults.drainTimeout / .seconds(1))).")
    var drainTimeout: Double?

    @Option(help: "Seconds before a silent connection is closed (default \(defaults.idleTimeout / .seconds(1))).")
    var idleTimeout: Double?

    @Option(help: "Log level on standard error (debug: one line per request).")
    var logLevel: Logger.Level = .info

    func validate() throws {
        let problems = serverConfiguration.problems
        if !problems.isEmpty { throw ValidationError(problems.joined(separator: "; ")) }
    }

    /// The defaults with the options given.
    var serverConfiguration: ServerConfiguration {
        var configuration = Self.defaults
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let threads = threadOptions.threads { configuration.threads = threads }
        if let maxBatch { configuration.maxBatch = maxBatch }
        if let maxDelay { configuration.maxDelay = .milliseconds(maxDelay) }
        if let maxQueue { configuration.maxQueue = maxQueue }
        if let maxQueueWait { configuration.maxQueueWait = .milliseconds(maxQueueWait) }
        if let maxBody { configuration.maxBody = maxBody }
        if let maxTexts { configuration.maxTexts = maxTexts }
        if let maxExplainTexts { configuration.maxExplainTexts = maxExplainTexts }
        if let drainDelay { configuration.drainDelay = .seconds(drainDelay) }
        if let drainTimeout { configuration.drainTimeout = .seconds(drainTimeout) }
        if let idleTimeout { configuration.idleTimeout = .seconds(idleTimeout) }
        return configuration
    }

    func run() async throws {
        let path = try ModelLocation.resolve(model)
        var logger = Logger(label: "sentiment.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = logLevel
        let source = ModelSource(name: path) { try loadModel(at: path, threads: 1) }
        do {
            try await SentimentServer(configuration: serverConfiguration, model: source, logger: logger).run()
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
