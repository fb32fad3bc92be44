import Foundation

/// How `sentiment serve` listens, batches and limits. Every default lives here; the CLI reads them.
public struct ServerConfiguration: Sendable, Equatable {
    /// Address to listen on.
    public var host = "127.0.0.1"
    /// Port to listen on; 0 picks a free one (logged at start).
    public var port = 8080
    /// Scoring threads: each takes a batch from the queue and scores it on one thread.
    public var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Most texts scored together in one batch (texts of several requests, or part of one).
    public var maxBatch = 64
    /// Longest time the first text of a batch waits for more before the batch is scored anyway. Zero:
    /// an idle worker takes what is queued at once, and batches grow only while the workers are busy
    /// (a wait would leave a free worker idle, which a closed-loop client pays for in throughput).
    public var maxDelay = Duration.zero
    /// Most texts waiting to be scored or explained; a request that would pass it gets 503 with
    /// Retry-After (load shedding rather than unbounded memory).
    public var maxQueue = 4096
    /// Longest the oldest queued text may have waited past `maxDelay` before new requests are refused
    /// (503 with Retry-After). It bounds how long an admitted request waits whatever its texts' length,
    /// which a count of texts cannot: a queue of long reviews takes far longer than one of short
    /// sentences. The default is a choice (room for a few full batches of long reviews), not a tuned
    /// value; BENCHMARKS.md, "Serving", shows what it does under load.
    public var maxQueueWait = Duration.milliseconds(200)
    /// Largest request body in bytes; a larger one (or a Content-Length announcing one) gets 413.
    public var maxBody = 1 << 20
    /// Most texts in one /v1/score request (413 beyond).
    public var maxTexts = 1024
    /// Most texts in one /v1/explain request (413 beyond): each costs dozens of network passes.
    public var maxExplainTexts = 16
    /// How long a graceful shutdown keeps serving, with /readyz answering 503, before the listener
    /// closes (time for a load balancer to notice).
    public var drainDelay = Duration.zero
    /// Longest a graceful shutdown lasts, drain delay included: requests still in flight then are
    /// stopped.
    public var drainTimeout = Duration.seconds(10)
    /// A connection that sends nothing for this long while idle or while its body is read is closed.
    public var idleTimeout = Duration.seconds(30)
    /// What the Retry-After header of a shed request says, in seconds.
    public var retryAfterSeconds = 1

    /// The defaults.
    public init() {}

    /// The values that cannot work, each with the flag's name: empty when all can.
    public var problems: [String] {
        var problems: [String] = []
        func require(_ condition: Bool, _ message: String) { if !condition { problems.append(message) } }
        require((0...65535).contains(port), "--port must lie in [0, 65535]")
        require(threads >= 1, "--threads must be at least 1")
        require(maxBatch >= 1, "--max-batch must be at least 1")
        require(maxDelay >= .zero, "--max-delay must not be negative")
        require(maxTexts >= 1, "--max-texts must be at least 1")
        require(maxExplainTexts >= 1, "--max-explain-texts must be at least 1")
        require(
            maxQueue >= max(maxTexts, maxExplainTexts),
            "--max-queue must be at least --max-texts and --max-explain-texts, or their largest request never fits")
        require(maxQueueWait > .zero, "--max-queue-wait must be positive")
        require(maxBody >= 64, "--max-body must be at least 64 bytes")
        require(drainDelay >= .zero, "--drain-delay must not be negative")
        require(drainTimeout > drainDelay, "--drain-timeout must be longer than --drain-delay")
        require(idleTimeout > .zero, "--idle-timeout must be positive")
        return problems
    }
}
