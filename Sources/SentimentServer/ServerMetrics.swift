import Prometheus

/// The server's Prometheus metrics, in a registry of its own (not the process-wide swift-metrics
/// bootstrap, so several servers in one process, as in the tests, keep separate counts).
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let textsScored: Counter
    private let textsExplained: Counter
    private let batchSizes: ValueHistogram
    private let queueDepth: Gauge
    private let modelLoadSeconds: Gauge
    private let modelGeneration: Gauge

    /// Request latency buckets: 0.5 ms to 10 s.
    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(10),
    ]

    init(maxBatch: Int) {
        textsScored = registry.makeCounter(
            descriptor: Self.name("texts_scored", unit: "total", help: "Texts scored."))
        textsExplained = registry.makeCounter(
            descriptor: Self.name("texts_explained", unit: "total", help: "Texts explained."))
        // Powers of two up to the largest batch there can be.
        var buckets: [Double] = []
        var size = 1
        while size < maxBatch {
            buckets.append(Double(size))
            size *= 2
        }
        buckets.append(Double(maxBatch))
        batchSizes = registry.makeValueHistogram(
            descriptor: Self.name("batch_size", unit: "texts", help: "Texts per scored batch."),
            buckets: buckets)
        queueDepth = registry.makeGauge(
            descriptor: Self.name("queue_depth", unit: "texts", help: "Texts waiting to be scored or explained."))
        modelLoadSeconds = registry.makeGauge(
            descriptor: Self.name(
                "model_load", unit: "seconds", help: "How long the last successful model load took."))
        modelGeneration = registry.makeGauge(
            descriptor: Self.name(
                "model_generation", unit: "", help: "1 for the model loaded at start, +1 per successful reload."))
    }

    /// One answered request: counted by route and status, its latency by route.
    func recordRequest(route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("http_requests", unit: "total", help: "Requests answered, by route and status."),
            labels: [("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name(
                "http_request_duration", unit: "seconds", help: "Time from a request's head to its answer."),
            labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// A reload attempt's outcome (`loaded` or `refused`).
    func recordReload(outcome: String) {
        registry.makeCounter(
            descriptor: Self.name("model_reloads", unit: "total", help: "Model reloads, by outcome."),
            labels: [("outcome", outcome)]
        ).increment()
    }

    func recordBatch(texts: Int) {
        batchSizes.record(Double(texts))
        textsScored.increment(by: Int64(texts))
    }

    func recordExplained(texts: Int) { textsExplained.increment(by: Int64(texts)) }

    func setQueueDepth(_ texts: Int) { queueDepth.set(Double(texts)) }

    func recordModelLoad(seconds: Double, generation: Int) {
        modelLoadSeconds.set(seconds)
        modelGeneration.set(Double(generation))
    }

    /// The exposition text of every metric.
    func exposition() -> [UInt8] { registry.emitToBuffer() }

    private static func name(_ metric: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sentiment", metricName: metric, unitName: unit, helpText: help)
    }
}
