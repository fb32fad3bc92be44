import ArgumentParser
import AsyncHTTPClient
import Foundation
import Histogram
import NIOCore
import NIOPosix

/// `serve-load`: a fixed-rate (open-loop) load generator for `sentiment serve`. Request i is due at
/// start + i / rate whether or not earlier ones have been answered, and its latency is measured from when
/// it was due, not from when it was sent: a stalled server makes every request behind it late, as it
/// would for real clients (wrk2's correction for coordinated omission). Latencies go into HdrHistograms,
/// one per outcome (2xx, 503, other status, no connection, transport error after connecting).
@main
struct ServeLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-load",
        abstract: "Open-loop load for sentiment serve: a fixed request rate, latency from each request's due time.",
        discussion: """
            Examples:
              serve-load --url http://127.0.0.1:8080/v1/score --rate 2000 --duration 30 --texts corpus.txt
              serve-load --rate 500 --duration 600 --texts-per-request 64 --json > soak.json
            """)

    @Option(help: "Endpoint to POST to.")
    var url = "http://127.0.0.1:8080/v1/score"

    @Option(help: "Requests per second.")
    var rate: Double

    @Option(help: "Seconds to send for.")
    var duration: Double = 10

    @Option(help: "Seconds of load at the same rate before measuring (not recorded).")
    var warmup: Double = 0

    @Option(help: "File of texts, one per line, taken in turn (default: a few built-in sentences).")
    var texts: String?

    @Option(help: "Texts in each request.")
    var textsPerRequest = 1

    @Option(help: "Most connections to the server.")
    var connections = 64

    @Option(help: "Requests outstanding at most; a request due beyond it is counted as not sent.")
    var maxOutstanding = 20_000

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard rate > 0, duration > 0, warmup >= 0 else { throw ValidationError("--rate and --duration must be positive") }
        guard textsPerRequest >= 1, connections >= 1 else {
            throw ValidationError("--texts-per-request and --connections must be at least 1")
        }
    }

    func run() async throws {
        let lines = try texts.map { path in
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        } ?? ["a great film", "the plot was dull and far too long", "i loved every minute of it", "never again"]
        guard !lines.isEmpty else { throw ValidationError("\(texts ?? ""): no texts") }
        let bodies = Self.bodies(lines, perRequest: textsPerRequest)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let recorder = LatencyRecorder()
        if warmup > 0 {
            _ = await send(client: client, bodies: bodies, seconds: warmup, recorder: nil)
        }
        let started = ContinuousClock.now
        let skipped = await send(client: client, bodies: bodies, seconds: duration, recorder: recorder)
        let elapsed = (ContinuousClock.now - started) / .seconds(1)
        try await client.shutdown()
        let report = recorder.report(seconds: elapsed, skipped: skipped, rate: rate)
        print(json ? report.json : report.text)
    }

    /// Sends at `rate` for `seconds`; returns how many requests were due beyond `maxOutstanding`.
    private func send(client: HTTPClient, bodies: [ByteBuffer], seconds: Double, recorder: LatencyRecorder?)
        async -> Int
    {
        let total = Int(rate * seconds)
        let interval = Duration.seconds(1 / rate)
        let start = ContinuousClock.now
        let outstanding = Counter()
        var skipped = 0
        // Discarding: a plain task group keeps every finished child until it is awaited, which at
        // thousands of requests a second grows without bound over a soak.
        await withDiscardingTaskGroup { group in
            var index = 0
            while index < total {
                // Every request due by now, then sleep to the next (at most 1 ms late: batches at high rates).
                let now = ContinuousClock.now
                while index < total, start + interval * index <= now {
                    let due = start + interval * index
                    let body = bodies[index % bodies.count]
                    index += 1
                    guard outstanding.add(1) <= maxOutstanding else {
                        _ = outstanding.add(-1)
                        skipped += 1
                        continue
                    }
                    group.addTask {
                        let outcome = await Self.post(client: client, url: url, body: body)
                        recorder?.record(outcome, latency: ContinuousClock.now - due)
                        _ = outstanding.add(-1)
                    }
                }
                if index < total { try? await Task.sleep(until: start + interval * index, clock: .continuous) }
            }
        }
        return skipped
    }

    private static func post(client: HTTPClient, url: String, body: ByteBuffer) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            _ = try await response.body.collect(upTo: 64 << 20)
            return .status(Int(response.status.code))
        } catch let error as HTTPClientError where error == .connectTimeout {
            // Never reached the server (refused or unanswered connection attempts until the timeout).
            return .notConnected
        } catch is NIOConnectionError {
            return .notConnected
        } catch let error as IOError where error.errnoCode == ECONNREFUSED {
            return .notConnected
        } catch {
            return .failed
        }
    }

    /// Request bodies cycling through the texts.
    static func bodies(_ lines: [String], perRequest: Int) -> [ByteBuffer] {
        let count = max(1, lines.count / perRequest)
        return (0..<count).map { request in
            let texts = (0..<perRequest).map { lines[(request * perRequest + $0) % lines.count] }
            return ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: ["texts": texts]))
        }
    }
}

/// What became of a request.
enum Outcome: Hashable {
    case status(Int)
    /// No connection could be made: the server never saw the request.
    case notConnected
    /// The connection failed after it was made: the request may have reached the server.
    case failed

    var name: String {
        switch self {
        case .status(let code) where (200..<300).contains(code): "2xx"
        case .status(let code): String(code)
        case .notConnected: "not-connected"
        case .failed: "error"
        }
    }
}

/// A counter shared by the sending loop and the request tasks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Adds `delta`; the new value.
    func add(_ delta: Int) -> Int { lock.withLock { value += delta; return value } }
}
