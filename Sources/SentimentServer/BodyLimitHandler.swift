import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Keeps request bodies within `limit` bytes on every route, below the router, where the bytes arrive:
///
/// - a request whose Content-Length announces more is answered 413 from its head, without reading its
///   body: the request never reaches the application, the bytes that follow are dropped as they come,
///   and the connection is closed once the answer is out;
/// - a body without a length (chunked) that grows past `limit` stops being passed on: the handler,
///   which has already received more than `limit` bytes, answers 413 with Connection: close (its
///   `collect(upTo:)` fails) and the connection is closed after that answer.
///
/// Hummingbird's own upload limit covers only bodies its decoders collect, and it reads (and discards)
/// the rest of a refused body before the next request; this handler makes the limit a property of the
/// connection instead.
final class BodyLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limit: Int
    /// The 413 answer's JSON body.
    private let refusalBody: [UInt8]
    /// Told of each request refused from its head (its path), for metrics and the log.
    private let onRefusedHead: @Sendable (HTTPRequest) -> Void

    /// Requests passed on whose answer has not been written to the end yet.
    private var answersPending = 0
    /// The request being read was refused from its head: its parts are dropped.
    private var droppingRefusedRequest = false
    /// A refusal waits for the answers before it (pipelined requests) before it is written.
    private var refusalWaiting = false
    /// The request being read was passed on and its body has passed the limit: the rest is dropped and
    /// the connection closes after its answer.
    private var closeAfterAnswer = false
    private var bodyBytes = 0

    init(limit: Int, refusalBody: [UInt8], onRefusedHead: @escaping @Sendable (HTTPRequest) -> Void) {
        self.limit = limit
        self.refusalBody = refusalBody
        self.onRefusedHead = onRefusedHead
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if droppingRefusedRequest {
            // The rest of the refused request, and anything after it: the connection is closing.
            return
        }
        switch part {
        case .head(let head):
            bodyBytes = 0
            if let length = head.headerFields[.contentLength].flatMap(Int.init), length > limit {
                droppingRefusedRequest = true
                onRefusedHead(head)
                if answersPending == 0 {
                    writeRefusal(context: context)
                } else {
                    refusalWaiting = true
                }
                return
            }
            answersPending += 1
            if head.headerFields[.expect]?.lowercased() == "100-continue" {
                // The client waits for this before it sends the body (curl does for large bodies).
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
            context.fireChannelRead(data)
        case .body(let buffer):
            if closeAfterAnswer { return }  // past the limit: dropped as it comes
            bodyBytes += buffer.readableBytes
            if bodyBytes > limit {
                closeAfterAnswer = true
                // Answered already (a route that does not read bodies): nothing more to wait for.
                if answersPending == 0 { linger(context.channel) }
            }
            context.fireChannelRead(data)
        case .end:
            if closeAfterAnswer { return }
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where closeAfterAnswer && head.status.code >= 200:
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            answersPending -= 1
            if refusalWaiting && answersPending == 0 {
                context.write(data, promise: promise)
                refusalWaiting = false
                writeRefusal(context: context)
            } else if closeAfterAnswer {
                closeAfterWriting(data, context: context, promise: promise)
            } else {
                context.write(data, promise: promise)
            }
        default:
            context.write(data, promise: promise)
        }
    }

    /// Writes the 413 for a request refused from its head, then closes the connection.
    private func writeRefusal(context: ChannelHandlerContext) {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(refusalBody.count)
        fields[.connection] = "close"
        context.write(
            wrapOutboundOut(.head(HTTPResponse(status: .contentTooLarge, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: refusalBody))), promise: nil)
        closeAfterWriting(wrapOutboundOut(.end(nil)), context: context, promise: nil)
    }

    /// Writes the last part of an answer, then ends the connection: first our side only, so a client
    /// still sending its body reads the answer rather than a reset, while what it sends is dropped;
    /// fully once it closes or after `lingerTime`.
    private func closeAfterWriting(_ data: NIOAny, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        let written = context.eventLoop.makePromise(of: Void.self)
        if let promise { written.futureResult.cascade(to: promise) }
        let channel = context.channel
        written.futureResult.whenComplete { _ in Self.linger(channel) }
        context.writeAndFlush(data, promise: written)
    }

    private func linger(_ channel: any Channel) { Self.linger(channel) }

    private static func linger(_ channel: any Channel) {
        channel.close(mode: .output, promise: nil)
        channel.eventLoop.scheduleTask(in: lingerTime) { channel.close(promise: nil) }
    }

    /// How long a connection is kept open for reading (and dropping) after its 413.
    static let lingerTime = TimeAmount.seconds(2)
}
