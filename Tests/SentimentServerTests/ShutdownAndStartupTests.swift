import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SentimentKit
import SentimentServer
import ServiceLifecycleTestKit
import Testing

/// Start and stop: 503 until the model is loaded; on a graceful shutdown /readyz turns 503, requests in
/// flight are finished and the server returns; a model that cannot be loaded stops the start.
@Suite struct ShutdownAndStartupTests {
    /// The port the server listens on, once it does.
    final class PortBox: @unchecked Sendable {
        private let lock = NSLock()
        private var port: Int?
        func set(_ value: Int) { lock.withLock { port = value } }
        func wait() async throws -> Int {
            for _ in 0..<1000 {
                if let port = lock.withLock({ port }) { return port }
                try await Task.sleep(for: .milliseconds(5))
            }
            throw CancellationError()
        }
    }

    static func get(_ port: Int, _ path: String) async throws -> (status: Int, body: ByteBuffer) {
        try await Client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"))
    }

    @Test func gracefulShutdownTurnsReadinessOffFinishesInFlightRequestsAndReturns() async throws {
        let configuration = ServerTestSupport.configuration {
            $0.maxDelay = .milliseconds(600)  // the in-flight request waits in the queue this long
            $0.drainDelay = .milliseconds(300)
            $0.drainTimeout = .seconds(5)
        }
        let portBox = PortBox()
        let server = try SentimentServer(
            configuration: configuration, model: .file(ServerTestSupport.model), logger: ServerTestSupport.logger().0,
            onListening: { portBox.set($0) })
        let expected = try ServerTestSupport.cliProbabilities(["great film"]).map { "\($0)" }
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.makeServiceGroup(gracefulShutdownSignals: []).run() }
                let port = try await portBox.wait()
                while try await Self.get(port, "/readyz").status != 200 { try await Task.sleep(for: .milliseconds(10)) }
                let inFlight = Task { try await Client.score(port: port, ["great film"]) }
                try await Task.sleep(for: .milliseconds(150))
                let start = ContinuousClock.now
                trigger.triggerGracefulShutdown()
                try await Task.sleep(for: .milliseconds(100))
                // Within the drain delay: still listening, not ready.
                let ready = try await Self.get(port, "/readyz")
                #expect(ready.status == 503)
                #expect(try JSONBody.error(ready.body).code == "draining")
                let answer = try await inFlight.value
                #expect(answer.status == 200)
                #expect(try JSONBody.results(answer.body).probabilities == expected)
                try await group.next()
                #expect(ContinuousClock.now - start < .seconds(5))
                // The listener is closed.
                #expect(throws: (any Error).self) { try RawConnection(port: port) }
            }
        }
    }

    @Test func requestsGet503UntilTheModelIsLoaded() async throws {
        let gate = DispatchSemaphore(value: 0)
        let source = ModelSource(name: "slow") {
            gate.wait()
            return try SentimentModel(path: ServerTestSupport.model, threadCount: 1)
        }
        let portBox = PortBox()
        let server = try SentimentServer(
            configuration: ServerTestSupport.configuration(), model: source, logger: ServerTestSupport.logger().0,
            onListening: { portBox.set($0) })
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.makeServiceGroup(gracefulShutdownSignals: []).run() }
                let port = try await portBox.wait()
                #expect(try await Self.get(port, "/healthz").status == 200)
                let ready = try await Self.get(port, "/readyz")
                #expect(ready.status == 503)
                #expect(try JSONBody.error(ready.body).code == "not_ready")
                #expect(try await Client.score(port: port, ["a"]).status == 503)
                gate.signal()
                var status = 0
                for _ in 0..<500 where status != 200 {
                    status = try await Client.score(port: port, ["a"]).status
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(status == 200)
                trigger.triggerGracefulShutdown()
                try await group.next()
            }
        }
    }

    @Test func aModelThatCannotBeLoadedStopsTheStartWithItsError() async throws {
        let source = ModelSource(name: "missing.safetensors") {
            try SentimentModel(path: "/nonexistent/missing.safetensors", threadCount: 1)
        }
        let server = try SentimentServer(
            configuration: ServerTestSupport.configuration(), model: source, logger: ServerTestSupport.logger().0)
        let error = await #expect(throws: (any Error).self) {
            try await server.makeServiceGroup(gracefulShutdownSignals: []).run()
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("cannot read the file"))
    }

    @Test func settingsThatCannotWorkAreRefusedNamingTheirFlags() {
        var configuration = ServerConfiguration()
        configuration.maxQueue = 10
        configuration.maxBatch = 0
        #expect(configuration.problems == [
            "--max-batch must be at least 1",
            "--max-queue must be at least --max-texts and --max-explain-texts, or their largest request never fits",
        ])
        #expect(throws: ServerConfigurationError.self) {
            try SentimentServer(configuration: configuration, model: .file("x"), logger: Logger(label: "test"))
        }
    }
}
