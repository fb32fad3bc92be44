import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SentimentServer
import Testing

/// Requests meant to hurt: each is answered as it should be, the server keeps running, and a client
/// scoring at the same time keeps getting the right numbers throughout.
@Suite struct HostileRequestTests {
    static let steadyTexts = ["great film", "awful plot", "酒店 很好 :)"]

    @Test func eachHostileRequestIsAnsweredWhileAnotherClientKeepsGettingTheRightScores() async throws {
        let expected = try ServerTestSupport.cliProbabilities(Self.steadyTexts).map { "\($0)" }
        try await ServerTestSupport.withServer { client, port in
            let steady = Task {
                var answered = 0
                while !Task.isCancelled {
                    guard let answer = try? await Client.score(port: port, Self.steadyTexts) else {
                        #expect(Task.isCancelled, "a steady request failed")
                        break
                    }
                    #expect(answer.status == 200)
                    #expect((try? JSONBody.results(answer.body))?.probabilities == expected)
                    answered += 1
                }
                return answered
            }
            try await Self.hugeBody(port: port)
            try await Self.hugeAnnouncedLength(port: port, path: "/v1/score")
            try await Self.hugeAnnouncedLength(port: port, path: "/healthz")
            try await Self.hugeChunkedBody(port: port)
            try await Self.slowBody(port: port)
            let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
            try await Self.expect(client, body: Array(#"{"texts": "#.utf8) + Array(deep.utf8) + [0x7D], status: .badRequest, code: "malformed_json")
            let tiny = "{\"texts\": [" + [String](repeating: "\"a\"", count: 100_000).joined(separator: ",") + "]}"
            try await Self.expect(client, body: Array(tiny.utf8), status: .contentTooLarge, code: "too_large")
            try await Self.expect(client, body: [0x7B, 0xFF, 0xFE, 0x7D], status: .badRequest, code: "invalid_utf8")
            try await Self.expect(
                client, body: Array(#"{"text": "x"}"#.utf8), contentType: "application/x-www-form-urlencoded",
                status: .unsupportedMediaType, code: "unsupported_media_type")
            steady.cancel()
            let answered = await steady.value
            #expect(answered > 0)
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
    }

    static func expect(
        _ client: some TestClientProtocol, body: [UInt8], contentType: String = "application/json",
        status: HTTPResponse.Status, code: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let answer = try await client.execute(
            uri: "/v1/score", method: .post, headers: [.contentType: contentType], body: ByteBuffer(bytes: body))
        #expect(answer.status == status, sourceLocation: sourceLocation)
        #expect(try JSONBody.error(answer.body).code == code, sourceLocation: sourceLocation)
    }

    /// 3 MB with a Content-Length: 413 from the head; the body is not read.
    static func hugeBody(port: Int) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/score")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let body = Array(("{\"texts\": [\"" + String(repeating: "x", count: 3_000_000) + "\"]}").utf8)
        request.body = .bytes(body)
        let answer = try await Client.send(request)
        #expect(answer.status == 413)
        #expect(try JSONBody.error(answer.body).code == "too_large")
    }

    /// A head announcing 100 MB and no body: answered at once, the connection closed.
    static func hugeAnnouncedLength(port: Int, path: String) async throws {
        let connection = try RawConnection(port: port)
        await connection.send(
            "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{\"te")
        let start = ContinuousClock.now
        let (bytes, closed) = await connection.receiveUntilClosed(timeout: .seconds(5))
        let answer = String(decoding: bytes, as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer)")
        #expect(answer.contains("connection: close") || answer.contains("Connection: close"))
        #expect(closed, "the connection stayed open")
        #expect(ContinuousClock.now - start < .seconds(4))
    }

    /// A chunked body that never ends: 413 once it passes the limit, then the connection is closed.
    static func hugeChunkedBody(port: Int) async throws {
        let connection = try RawConnection(port: port)
        await connection.send(
            "POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = Array("10000\r\n".utf8) + [UInt8](repeating: 0x20, count: 0x10000) + Array("\r\n".utf8)
        for _ in 0..<40 {  // 2.5 MiB, past the 1 MiB limit; the server may close before the last
            guard await connection.send(chunk) else { break }
        }
        let (bytes, closed) = await connection.receiveUntilClosed(timeout: .seconds(5))
        let answer = String(decoding: bytes, as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer)")
        #expect(closed)
    }

    /// A good request whose body arrives in pieces over half a second: answered with the right scores.
    static func slowBody(port: Int) async throws {
        let body = Array(#"{"texts": ["great film", "awful plot"]}"#.utf8)
        let connection = try RawConnection(port: port)
        await connection.send(
            "POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        for piece in stride(from: 0, to: body.count, by: 8) {
            try await Task.sleep(for: .milliseconds(50))
            await connection.send(Array(body[piece..<min(piece + 8, body.count)]))
        }
        let (bytes, _) = await connection.receiveUntilClosed(timeout: .seconds(5))
        let answer = String(decoding: bytes, as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
        let expected = try ServerTestSupport.cliProbabilities(["great film", "awful plot"])
        #expect(answer.contains(#"{"probability":\#(expected[0]),"#))
        #expect(answer.contains(#"{"probability":\#(expected[1]),"#))
    }
}
