import HummingbirdTesting
import Logging
import NIOCore
import SentimentServer
import Testing

/// Dynamic batching gathers concurrent requests into one batch; a full queue answers 503 at once.
@Suite struct BatchingAndSheddingTests {
    @Test func concurrentRequestsAreScoredInOneBatchWhenItFillsBeforeTheDelay() async throws {
        let configuration = ServerTestSupport.configuration {
            $0.maxBatch = 8
            $0.maxDelay = .seconds(5)  // only a full batch starts early
        }
        try await ServerTestSupport.withServer(configuration) { client, port in
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<8 {
                    group.addTask { try await Client.score(port: port, ["text \(index)"]).status }
                }
                for try await status in group { #expect(status == 200) }
            }
            #expect(ContinuousClock.now - start < .seconds(4), "the batch waited for the delay")
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("sentiment_batch_size_texts_count 1"), "\(metrics)")
            #expect(metrics.contains("sentiment_batch_size_texts_sum 8.0"))
        }
    }

    @Test func aRequestPastTheQueueLimitGets503WithRetryAfterAndTheQueuedOneStillSucceeds() async throws {
        let configuration = ServerTestSupport.configuration {
            $0.maxQueue = 4
            $0.maxTexts = 4
            $0.maxExplainTexts = 4
            $0.maxBatch = 64
            // The first request waits in the queue this long: far longer than a shed answer may take on a
            // loaded machine, so a request that waited for the batch instead is told apart.
            $0.maxDelay = .seconds(3)
            $0.retryAfterSeconds = 2
        }
        try await ServerTestSupport.withServer(configuration) { client, port in
            let queued = Task { try await Client.score(port: port, ["a", "b", "c"]) }
            try await Task.sleep(for: .milliseconds(200))
            let start = ContinuousClock.now
            let shed = try await client.execute(
                uri: "/v1/score", method: .post, headers: [.contentType: "application/json"],
                body: JSONBody.texts(["d", "e"]))
            #expect(ContinuousClock.now - start < .milliseconds(1500), "shedding waited")
            #expect(shed.status == .serviceUnavailable)
            #expect(shed.headers[.retryAfter] == "2")
            #expect(try JSONBody.error(shed.body).code == "overloaded")
            // One more text still fits.
            let fits = try await Client.score(port: port, ["d"])
            #expect(fits.status == 200)
            #expect(try await queued.value.status == 200)
        }
    }

    /// Runs `test` against a server whose queue (3 texts) is full: a 3-text request waits there for its
    /// batch's 3 s delay, and is handed to `test` to await.
    private func withFullQueue(
        logger: Logger = ServerTestSupport.logger().0,
        _ test:
            @escaping @Sendable (
                any TestClientProtocol, Int, Task<(status: Int, body: ByteBuffer), any Error>
            )
            async throws -> Void
    ) async throws {
        let configuration = ServerTestSupport.configuration {
            $0.maxQueue = 3
            $0.maxTexts = 3
            $0.maxExplainTexts = 3
            $0.maxBatch = 64
            $0.maxDelay = .seconds(3)  // the first request stays queued meanwhile
        }
        try await ServerTestSupport.withServer(configuration, logger: logger) { client, port in
            let queued = Task { try await Client.score(port: port, ["a", "b", "c"]) }
            try await Task.sleep(for: .milliseconds(200))
            try await test(client, port, queued)
        }
    }

    @Test func aRequestArrivingAtAFullQueueIsRefusedBeforeItsBodyIsRead() async throws {
        try await withFullQueue { _, port, queued in
            // A body announced and never sent: only an answer given before reading it can arrive.
            let connection = try RawConnection(port: port)
            await connection.send(
                "POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n"
            )
            let (bytes, _) = await connection.receiveUntilClosed(timeout: .seconds(2))
            let answer = String(decoding: bytes, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer)")
            #expect(answer.contains(#""code":"overloaded""#), "\(answer)")
            #expect(try await queued.value.status == 200)
        }
    }

    @Test func aKeptAliveConnectionIsRefusedBelowTheRouterAndThenServedAgain() async throws {
        let (logger, log) = ServerTestSupport.logger()
        try await withFullQueue(logger: logger) { client, port, queued in
            let connection = try RawConnection(port: port)
            let body = #"{"texts":["d"]}"#
            await connection.send(
                "POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let (refused, closed) = await connection.receiveUntilClosed(timeout: .seconds(1))
            let answer = String(decoding: refused, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer)")
            #expect(answer.lowercased().contains("retry-after: 1"), "\(answer)")
            #expect(answer.contains(#""code":"overloaded""#))
            #expect(!closed, "the connection was closed after the refusal")
            // Refused on the event loop, before the router: only that path logs this.
            #expect(
                log.entries.contains {
                    ($0.metadata["error"].map { "\($0)" } ?? "").contains("refused from its head")
                })
            #expect(try await queued.value.status == 200)
            // The refused request's body was dropped whole: the next request on the connection is read
            // from its first byte and answered.
            await connection.send(
                "POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
            let (served, _) = await connection.receiveUntilClosed(timeout: .seconds(5))
            let second = String(decoding: served, as: UTF8.self)
            #expect(second.hasPrefix("HTTP/1.1 200"), "\(second)")
            let expected = try ServerTestSupport.cliProbabilities(["d"])
            #expect(second.contains(#"{"probability":\#(expected[0]),"#))
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(
                metrics.contains(#"sentiment_http_requests_total{route="/v1/score",status="503"} 1"#),
                "\(metrics)")
        }
    }
}
