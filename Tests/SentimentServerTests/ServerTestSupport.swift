import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import InMemoryLogging
import Logging
import NIOCore
import SentimentKit
import SentimentServer
import Testing

/// Models, servers and clients for the server's tests.
enum ServerTestSupport {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("SentimentKitTests/Fixtures")
    /// A 2-layer model with a wide channel and a temperature; it reads at most 8 tokens (`max_len`), so
    /// longer texts are cut.
    static let model = fixtures.appendingPathComponent("reference_model.safetensors").path
    /// A different model (pooled), for reloads.
    static let otherModel = fixtures.appendingPathComponent("reference_model_pooled.safetensors").path
    static let openAPIFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")

    /// Texts of many lengths (some far past the model's 8 tokens), several scripts, empty ones.
    static let texts: [String] = (0..<60).map { index in
        let words = ["great", "film", "awful", "plot", "酒店", "很好", "😞", "loved", "it", ":)", "never", "again"]
        return (0..<(index % 23)).map { words[($0 * 5 + index) % words.count] }.joined(separator: " ")
    }

    /// The probabilities `sentiment score` prints for `texts`: its scorer, several threads, one batch,
    /// the texts given as UTF-8 bytes as the CLI reads them.
    static func cliProbabilities(_ texts: [String], model path: String = model) throws -> [Float] {
        let scorer = try TextScorer(model: SentimentModel(path: path), threads: 2)
        return try scorer.probabilities(forUTF8: texts.map { Array($0.utf8)[...] }).probabilities
    }

    /// A configuration for tests: a free port, two workers.
    static func configuration(_ change: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.threads = 2
        change(&configuration)
        return configuration
    }

    /// A logger that keeps what is logged, and the handler to read it.
    static func logger() -> (Logger, InMemoryLogHandler) {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "test") { _ in handler }
        logger.logLevel = .debug
        return (logger, handler)
    }

    /// Runs `test` against a live server for `source` on an ephemeral port.
    static func withServer<Value: Sendable>(
        _ configuration: ServerConfiguration = configuration(), model source: ModelSource = .file(model),
        logger: Logger = logger().0,
        _ test: @escaping @Sendable (any TestClientProtocol, Int) async throws -> Value
    ) async throws -> Value {
        let server = try SentimentServer(configuration: configuration, model: source, logger: logger)
        return try await server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            try await waitUntilReady(client)
            return try await test(client, port)
        }
    }

    /// Polls /readyz until the model is loaded.
    static func waitUntilReady(_ client: some TestClientProtocol) async throws {
        for _ in 0..<500 {
            if try await client.execute(uri: "/readyz", method: .get).status == .ok { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the server never became ready")
    }
}

/// JSON request bodies and answers.
enum JSONBody {
    static func texts(_ texts: [String], threshold: Float? = nil) -> ByteBuffer {
        var object: [String: Any] = ["texts": texts]
        if let threshold { object["threshold"] = threshold }
        return ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    /// The probabilities of a /v1/score answer as the text the server wrote (so that the digits, not
    /// only the values, are compared), and the labels.
    static func results(_ body: ByteBuffer) throws -> (probabilities: [String], labels: [String]) {
        let text = String(buffer: body)
        let probabilities = try Regex(#""probability":([^,]+),"label":"(positive|negative)""#)
        let matches = text.matches(of: probabilities)
        return (matches.map { String($0.output[1].substring!) }, matches.map { String($0.output[2].substring!) })
    }

    static func object(_ body: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }

    /// The `error.code` and `error.message` of an error answer.
    static func error(_ body: ByteBuffer) throws -> (code: String, message: String) {
        let error = try #require(try object(body)["error"] as? [String: Any])
        return (try #require(error["code"] as? String), try #require(error["message"] as? String))
    }
}

/// HTTP client calls outside HummingbirdTesting's single connection, for concurrent requests.
enum Client {
    static func score(port: Int, _ texts: [String]) async throws -> (status: Int, body: ByteBuffer) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/score")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(JSONBody.texts(texts))
        return try await send(request)
    }

    static func send(_ request: HTTPClientRequest) async throws -> (status: Int, body: ByteBuffer) {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return (Int(response.status.code), try await response.body.collect(upTo: 64 << 20))
    }
}
