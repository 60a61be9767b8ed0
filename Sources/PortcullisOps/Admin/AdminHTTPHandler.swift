import NIOCore
import NIOHTTP1

/// One admin connection: reads a request head (the body, if any, is ignored), answers it through
/// the route handler and closes. A malformed request gets 400, an oversized head 431.
final class AdminHTTPHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = Never
    typealias OutboundOut = HTTPServerResponsePart

    private let handler: AdminHTTPServer.Handler
    private var request: (method: String, path: String)?
    private var headBytes = 0
    private var answered = false

    init(handler: @escaping AdminHTTPServer.Handler) {
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            let target = head.uri.prefix { $0 != "?" && $0 != "#" }
            request = (head.method.rawValue, String(target))
        case .body:
            break
        case .end:
            guard let request, !answered else { return }
            respond(context, handler(request.method, request.path), head: request.method == "HEAD")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !answered else { return context.close(promise: nil) }
        let status: Int
        switch error as? HTTPParserError {
        case .headerOverflow?: status = 431
        case .some: status = 400
        case nil: return context.close(promise: nil)
        }
        respond(context, AdminRoutes.text(status, status == 431 ? "request header too large\n" : "bad request\n"), head: false)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    private func respond(_ context: ChannelHandlerContext, _ r: AdminHTTPServer.Response, head isHead: Bool) {
        answered = true
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: r.contentType)
        headers.add(name: "Content-Length", value: String(r.body.count))
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: r.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !isHead && !r.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: r.body)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}

/// Caps what one admin connection may send (the admin endpoint takes no request bodies): past
/// `limit` bytes the rest is dropped and the connection is answered 431 by `AdminHTTPHandler`.
final class AdminRequestLimiter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let limit: Int
    private var received = 0

    init(limit: Int) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard received <= limit else { return }
        received += unwrapInboundIn(data).readableBytes
        if received > limit {
            context.fireErrorCaught(HTTPParserError.headerOverflow)
        } else {
            context.fireChannelRead(data)
        }
    }
}
