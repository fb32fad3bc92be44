import HTTPTypes
import Hummingbird
import SentimentKit

/// An answer other than success: an HTTP status, a stable machine-readable code and a message naming
/// the problem. The body is `{"error": {"code": "…", "message": "…"}}`.
struct APIError: Error, Equatable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    /// Extra response headers (Retry-After on a shed request).
    var headers: HTTPFields = [:]

    static func badRequest(_ code: String, _ message: String) -> APIError {
        APIError(status: .badRequest, code: code, message: message)
    }

    static func tooLarge(_ message: String) -> APIError {
        APIError(status: .contentTooLarge, code: "too_large", message: message)
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        tooLarge("the request body is larger than the limit of \(limit) bytes (--max-body)")
    }

    static func overloaded(retryAfterSeconds: Int) -> APIError {
        APIError(
            status: .serviceUnavailable, code: "overloaded",
            message: "the queue is full; retry after \(retryAfterSeconds) s",
            headers: [.retryAfter: String(retryAfterSeconds)])
    }

    static let notReady = APIError(
        status: .serviceUnavailable, code: "not_ready", message: "the model is not loaded yet")

    static let draining = APIError(
        status: .serviceUnavailable, code: "draining", message: "the server is shutting down")

    /// The JSON body.
    var body: [UInt8] {
        var output = Array(#"{"error":{"code":"#.utf8)
        JSONText.appendString(code, to: &output)
        output.append(contentsOf: #","message":"#.utf8)
        JSONText.appendString(message, to: &output)
        output.append(contentsOf: "}}\n".utf8)
        return output
    }

    /// The whole response.
    var response: Response {
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
