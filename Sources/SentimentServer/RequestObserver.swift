import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: turns every failure into a JSON error response (`APIError`), counts each
/// answer in the metrics by route and status, and logs one line per request at debug level (server
/// errors at warning).
struct RequestObserver<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let logger: Logger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var failure: APIError?
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            failure = error
            response = error.response
        } catch let error as any HTTPResponseError {
            let apiError = Self.apiError(for: error.status, request: request)
            failure = apiError
            response = apiError.response
        } catch {
            let apiError = APIError(
                status: .internalServerError, code: "internal", message: "the request could not be answered")
            failure = apiError
            response = apiError.response
            logger.warning(
                "request failed",
                metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
        }
        let duration = ContinuousClock.now - start
        let route =
            response.status == .methodNotAllowed ? request.uri.path : (context.endpointPath ?? "unmatched")
        metrics.recordRequest(route: route, status: response.status.code, duration: duration)
        var metadata: Logger.Metadata = [
            "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
            "ms": "\(String(format: "%.2f", duration / .milliseconds(1)))",
        ]
        if let failure { metadata["error"] = "\(failure.code): \(failure.message)" }
        logger.debug("request", metadata: metadata)
        return response
    }

    /// Hummingbird's own errors (no route, wrong method, a body over the limit) as JSON errors.
    static func apiError(for status: HTTPResponse.Status, request: Request) -> APIError {
        switch status {
        case .notFound, .methodNotAllowed:
            // The router answers 404 for a known path with another method: that is a 405.
            if let allowed = ServerRoutes.methods[request.uri.path] {
                APIError(
                    status: .methodNotAllowed, code: "method_not_allowed",
                    message: "\(request.uri.path) takes \(allowed.map(\.rawValue).joined(separator: ", ")), not \(request.method)",
                    headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
            } else {
                APIError(status: .notFound, code: "not_found", message: "no route for \(request.method) \(request.uri.path)")
            }
        case .contentTooLarge:
            APIError.tooLarge("the request body is too large")
        default:
            APIError(status: status, code: "http_\(status.code)", message: status.reasonPhrase)
        }
    }
}
