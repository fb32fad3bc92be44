import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers 503 from a scoring request's head while the scheduler is refusing work, below the router.
///
/// Under overload, every refusal that passes through Hummingbird costs a hop into Swift concurrency,
/// the router and the middleware: on the core the scoring threads share, enough to fall behind
/// (BENCHMARKS.md, "Serving"). This handler writes the refusal on the event loop itself and drops the
/// request's body as it arrives, keeping the connection for the next request. It only acts when no
/// answer is pending on the connection (so pipelined answers keep their order) and the request does
/// not ask to close the connection; otherwise the request goes on, and the route's own check before
/// reading the body refuses it the same way.
final class OverloadSheddingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The routes that queue work.
    static let sheddablePaths: Set<String> = ["/v1/score", "/v1/explain"]

    /// Whether a request arriving now would be refused for a full queue.
    private let isOverloaded: @Sendable () -> Bool
    private let refusal: APIError
    /// Told of each request refused here, for metrics and the log.
    private let onShed: @Sendable (HTTPRequest) -> Void

    /// Requests passed on whose answer has not been written to the end yet.
    private var answersPending = 0
    /// The request being read was refused here: its parts are dropped up to its end.
    private var droppingShedRequest = false

    init(
        isOverloaded: @escaping @Sendable () -> Bool, refusal: APIError,
        onShed: @escaping @Sendable (HTTPRequest) -> Void
    ) {
        self.isOverloaded = isOverloaded
        self.refusal = refusal
        self.onShed = onShed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if droppingShedRequest {
            if case .end = part { droppingShedRequest = false }
            return
        }
        if case .head(let head) = part {
            if answersPending == 0, head.method == .post,
                let path = head.path.map({ String($0.prefix { $0 != "?" }) }),
                Self.sheddablePaths.contains(path),
                head.headerFields[.connection]?.lowercased() != "close", isOverloaded()
            {
                droppingShedRequest = true
                onShed(head)
                writeRefusal(context: context)
                return
            }
            answersPending += 1
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { answersPending -= 1 }
        context.write(data, promise: promise)
    }

    private func writeRefusal(context: ChannelHandlerContext) {
        let body = refusal.body
        var fields = refusal.headers
        fields[.contentType] = "application/json"
        fields[.cacheControl] = "no-store"
        fields[.contentLength] = String(body.count)
        context.write(
            wrapOutboundOut(.head(HTTPResponse(status: refusal.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
