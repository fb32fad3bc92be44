import HTTPTypes
import HummingbirdTesting
import NIOCore
import SentimentServer
import Testing

/// Bad requests get a JSON error with the right status, a stable code and a message naming the problem.
@Suite struct RequestErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var uri = "/v1/score"
        var method = HTTPRequest.Method.post
        var contentType: String? = "application/json"
        var body: [UInt8]
        var status: HTTPResponse.Status
        var code: String
        var message: String
        var testDescription: String { "\(code): \(message)" }

        init(
            _ body: String, _ status: HTTPResponse.Status, _ code: String, _ message: String,
            contentType: String? = "application/json", uri: String = "/v1/score"
        ) {
            self.body = Array(body.utf8)
            self.status = status
            self.code = code
            self.message = message
            self.contentType = contentType
            self.uri = uri
        }
    }

    static let cases: [Case] = [
        Case(#"{"texts": ["a", 3]}"#, .badRequest, "wrong_type", "texts[1]"),
        Case(#"{"texts": "a"}"#, .badRequest, "wrong_type", "texts"),
        Case(#"{"text": ["a"]}"#, .badRequest, "wrong_type", "text"),
        Case(#"{"texts": null}"#, .badRequest, "wrong_type", "texts"),
        Case(#"["a"]"#, .badRequest, "wrong_type", "must be a JSON object"),
        Case(#"{"texts": ["a"], "threshold": "high"}"#, .badRequest, "wrong_type", "threshold"),
        Case(#"{"texts": ["a"], "threshold": 1.5}"#, .badRequest, "invalid_threshold", "[0, 1], got 1.5"),
        Case(#"{"texts": ["a"], "threshold": null}"#, .badRequest, "wrong_type", "threshold"),
        Case(#"{"text": "a", "method": null}"#, .badRequest, "wrong_type", "method", uri: "/v1/explain"),
        Case(#"{}"#, .badRequest, "missing_field", "texts"),
        Case(#"{"texts": ["a"], "text": "b"}"#, .badRequest, "conflicting_fields", "not both"),
        Case(#"{"texts": ["a"], "txt": 1}"#, .badRequest, "unknown_field", #""txt""#),
        Case(#"{"texts": ["a"], "method": "occlusion"}"#, .badRequest, "unknown_field", #""method""#),
        Case(
            #"{"text": "a", "method": "lime"}"#, .badRequest, "invalid_method", #"got "lime""#,
            uri: "/v1/explain"),
        Case(#"{"texts": ["a""#, .badRequest, "malformed_json", "Unexpected end of file"),
        Case(#"{"texts": ['a']}"#, .badRequest, "malformed_json", "character 11"),
        Case("", .badRequest, "malformed_json", "not valid JSON"),
        Case(#"{"texts": ["a"]}"#, .unsupportedMediaType, "unsupported_media_type", "text/plain", contentType: "text/plain"),
        Case(#"{"texts": ["a"]}"#, .unsupportedMediaType, "unsupported_media_type", "no Content-Type", contentType: nil),
        Case(
            #"{"texts": ["a"]}"#, .unsupportedMediaType, "unsupported_media_type", "latin1",
            contentType: "application/json; charset=latin1"),
        Case(String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000), .badRequest, "malformed_json", "nested"),
        Case("", .notFound, "not_found", "/v2/score", uri: "/v2/score"),
    ]

    @Test(arguments: cases)
    func badRequestsAreNamed(_ bad: Case) async throws {
        try await ServerTestSupport.withServer { client, _ in
            var headers = HTTPFields()
            if let contentType = bad.contentType { headers[.contentType] = contentType }
            let answer = try await client.execute(
                uri: bad.uri, method: bad.method, headers: headers, body: ByteBuffer(bytes: bad.body))
            #expect(answer.status == bad.status)
            #expect(answer.headers[.contentType] == "application/json")
            let error = try JSONBody.error(answer.body)
            #expect(error.code == bad.code)
            #expect(error.message.contains(bad.message), "\(error.message)")
        }
    }

    @Test func invalidUTF8IsNamedWithItsOffsetAndAWrongMethodGets405() async throws {
        try await ServerTestSupport.withServer { client, _ in
            let body = Array(#"{"texts": ["caf"#.utf8) + [0xE9] + Array(#""]}"#.utf8)
            let answer = try await client.execute(
                uri: "/v1/score", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(bytes: body))
            #expect(answer.status == .badRequest)
            #expect(try JSONBody.error(answer.body) == ("invalid_utf8", "the request body is not valid UTF-8 (first bad byte at offset 15)"))
            let get = try await client.execute(uri: "/v1/score", method: .get)
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST")
            #expect(try JSONBody.error(get.body).code == "method_not_allowed")
        }
    }

    @Test func tooManyTextsGet413NamingTheLimit() async throws {
        let configuration = ServerTestSupport.configuration { $0.maxTexts = 3 }
        try await ServerTestSupport.withServer(configuration) { client, _ in
            let answer = try await client.execute(
                uri: "/v1/score", method: .post, headers: [.contentType: "application/json"],
                body: JSONBody.texts(["a", "b", "c", "d"]))
            #expect(answer.status == .contentTooLarge)
            #expect(try JSONBody.error(answer.body).message == "4 texts in one request; the limit is 3 (--max-texts)")
            let explain = try await client.execute(
                uri: "/v1/explain", method: .post, headers: [.contentType: "application/json"],
                body: JSONBody.texts([String](repeating: "a", count: 17)))
            #expect(try JSONBody.error(explain.body).message.contains("(--max-explain-texts)"))
        }
    }
}
