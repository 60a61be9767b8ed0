import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The admin endpoint's HTTP/1.1 server, on swift-nio's HTTP pipeline (NIOHTTP1's parser, one
/// event-loop thread): GET and HEAD on a path, answered by a synchronous handler, one request per
/// connection (`Connection: close`). Connections idle for 10 s are closed, at most
/// `maxConnections` are served at once, and a request head over `maxHeadBytes` gets 431.
final class AdminHTTPServer: Sendable {
    struct Response: Sendable {
        var status: Int
        var contentType: String
        var body: [UInt8]
    }

    typealias Handler = @Sendable (_ method: String, _ path: String) -> Response

    static let maxConnections = 16
    static let maxHeadBytes = 16 << 10
    static let idleTimeout = TimeAmount.seconds(10)

    let address: ListenAddress
    private let handler: Handler
    private let state = Mutex<State>(State())
    private let active = Atomic<Int>(0)

    private struct State {
        var started = false
        var group: MultiThreadedEventLoopGroup?
        var channel: (any Channel)?
        var port: UInt16?
        var failure: String?
        var done = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    init(address: ListenAddress, handler: @escaping Handler) {
        self.address = address
        self.handler = handler
    }

    var boundPort: UInt16? { state.withLock { $0.port } }
    var failure: String? { state.withLock { $0.failure } }

    /// Binds, once (later calls repeat the first outcome). Synchronous, so that listening never
    /// waits for a free thread of the Swift concurrency pool.
    func listen() throws(ConfigurationError) {
        let started = state.withLock { s -> (Bool, String?) in
            if s.started { return (true, s.failure) }
            s.started = true
            return (false, nil)
        }
        if started.0 {
            if let failure = started.1 { throw ConfigurationError(failure) }
            return
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let handler = self.handler
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard self.active.wrappingAdd(1, ordering: .relaxed).newValue <= Self.maxConnections else {
                        self.active.wrappingSubtract(1, ordering: .relaxed)
                        throw ChannelError.inputClosed
                    }
                    channel.closeFuture.whenComplete { _ in self.active.wrappingSubtract(1, ordering: .relaxed) }
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: Self.idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(AdminRequestLimiter(limit: Self.maxHeadBytes))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false)
                    try channel.pipeline.syncOperations.addHandler(AdminHTTPHandler(handler: handler))
                }
            }
        do {
            let channel = try bootstrap.bind(host: address.host, port: Int(address.port)).wait()
            let port = channel.localAddress?.port.map { UInt16(truncatingIfNeeded: $0) }
            state.withLock { $0.group = group; $0.channel = channel; $0.port = port }
            channel.closeFuture.whenComplete { _ in self.finished() }
        } catch {
            try? group.syncShutdownGracefully()
            let message = "--admin \(address): \(error)"
            state.withLock { $0.failure = message; $0.done = true }
            throw ConfigurationError(message)
        }
    }

    /// Listens (if not yet) and serves until `stop()` or cancellation; throws when the address cannot be used.
    func run() async throws(ConfigurationError) {
        try listen()
        await withTaskCancellationHandler {
            await waitUntilDone()
        } onCancel: {
            closeListener()
        }
    }

    /// Stops accepting and closes the listening socket; returns once it is closed.
    func stop() async {
        closeListener()
        await waitUntilDone()
    }

    /// Closes the listening channel unless it is closed already. No promise: a close that races
    /// the event loop's shutdown has nothing left to report.
    private func closeListener() {
        let channel = state.withLock { s in s.done ? nil : s.channel }
        channel?.close(mode: .all, promise: nil)
    }

    private func waitUntilDone() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.done || !s.started { return true }
                s.waiters.append(c)
                return false
            }
            if done { c.resume() }
        }
    }

    private func finished() {
        let (waiters, group) = state.withLock { s -> ([CheckedContinuation<Void, Never>], MultiThreadedEventLoopGroup?) in
            s.done = true
            defer { s.waiters.removeAll(); s.group = nil }
            return (s.waiters, s.group)
        }
        // Shut the event loop down from outside it.
        group?.shutdownGracefully { _ in }
        for w in waiters { w.resume() }
    }

    static func reason(_ status: Int) -> String {
        HTTPResponseStatus(statusCode: status).reasonPhrase
    }
}
