import CGRPC
#if canImport(Glibc)
import Glibc
#endif

/// Owns the `grpc_init` reference, the `grpc_server` and the queue its shutdown is
/// reported on. `deinit` releases them in the order the core needs; the server's
/// workers (and their queues) must be gone or drained before that.
final class ServerCore: @unchecked Sendable {
    let server: OpaquePointer
    /// Completion queue for the shutdown notification only.
    let shutdownQueue: OpaquePointer
    private(set) var started = false
    /// Certificate fetchers of TLS ports: the core holds them unretained, so they live as long as this.
    private var tlsCredentials: [TLSCredentials] = []
    private var shutDown = false

    init(maxRequestBytes: Int) throws(TransportError) {
        grpc_init()
        let server: OpaquePointer? = ServerCore.withChannelArgs([
            ("grpc.so_reuseport", 0),
            ("grpc.max_receive_message_length", Int32(clamping: maxRequestBytes)),
        ]) { grpc_server_create($0, nil) }
        guard let server else {
            grpc_shutdown()
            throw .coreFailure("grpc_server_create returned NULL")
        }
        guard let queue = grpc_completion_queue_create_for_next(nil) else {
            grpc_server_destroy(server)
            grpc_shutdown()
            throw .coreFailure("grpc_completion_queue_create_for_next returned NULL")
        }
        self.server = server
        self.shutdownQueue = queue
        grpc_server_register_completion_queue(server, queue, nil)
    }

    deinit {
        if !shutDown { _ = shutdown(grace: .zero) }
        grpc_server_destroy(server)
        grpc_completion_queue_shutdown(shutdownQueue)
        while grpc_completion_queue_next(shutdownQueue, gpr_inf_future(GPR_CLOCK_REALTIME), nil).type != GRPC_QUEUE_SHUTDOWN {}
        grpc_completion_queue_destroy(shutdownQueue)
        grpc_shutdown()
    }

    func register(_ path: String) throws(TransportError) -> UnsafeMutableRawPointer {
        guard let handle = grpc_server_register_method(server, path, nil, GRPC_SRM_PAYLOAD_READ_INITIAL_BYTE_BUFFER, 0) else {
            throw .coreFailure("cannot register method \(path)")
        }
        return handle
    }

    /// Listens on `address`; returns the bound port (the unix case: any non-zero value).
    func listen(on address: ListenAddress, tls: TLSConfiguration? = nil) throws(TransportError) -> Int {
        try address.checkNotInUse()
        let fetcher = try tls.map { c throws(TransportError) in try TLSCredentials(c) }
        let made = try fetcher.map { f throws(TransportError) in try f.makeServerCredentials() } ?? grpc_insecure_server_credentials_create()
        guard let credentials = made else {
            throw .coreFailure("grpc_insecure_server_credentials_create returned NULL")
        }
        defer { grpc_server_credentials_release(credentials) }
        if let fetcher { tlsCredentials.append(fetcher) }
        let port = grpc_server_add_http2_port(server, address.coreAddress, credentials)
        if port <= 0 {
            let reason = address.bindFailureReason()
            if let fetcher, fetcher.initialTaken, reason == "refused by the gRPC core" {
                throw .invalidConfiguration("the gRPC core refused the TLS certificate or key (does the key belong to the certificate?)")
            }
            throw .bindFailed(address: address.coreAddress, reason: reason)
        }
        return Int(port)
    }

    func start() {
        grpc_server_start(server)
        started = true
    }

    /// Refuses new calls, lets calls in flight finish for up to `grace`, then cancels the
    /// rest and waits for them. Returns whether calls had to be cancelled.
    func shutdown(grace: Duration) -> Bool {
        guard !shutDown else { return false }
        shutDown = true
        let tag = UnsafeMutableRawPointer(bitPattern: 0x5D)
        grpc_server_shutdown_and_notify(server, shutdownQueue, tag)
        let event = grpc_completion_queue_next(shutdownQueue, ServerCore.deadline(after: grace), nil)
        guard event.type == GRPC_QUEUE_TIMEOUT else { return false }
        grpc_server_cancel_all_calls(server)
        _ = grpc_completion_queue_next(shutdownQueue, gpr_inf_future(GPR_CLOCK_REALTIME), nil)
        return true
    }

    static func deadline(after duration: Duration) -> gpr_timespec {
        let (seconds, attoseconds) = duration.components
        let millis = max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(millis, GPR_TIMESPAN))
    }

    /// Calls `body` with integer channel arguments; the key strings live for the call only
    /// (the core copies what it keeps).
    private static func withChannelArgs<R>(_ pairs: [(String, Int32)], _ body: (UnsafePointer<grpc_channel_args>) -> R) -> R {
        let keys = pairs.map { strdup($0.0) }
        defer { keys.forEach { free($0) } }
        var args = pairs.indices.map { i in
            var arg = grpc_arg()
            arg.type = GRPC_ARG_INTEGER
            arg.key = keys[i]
            arg.value.integer = pairs[i].1
            return arg
        }
        return args.withUnsafeMutableBufferPointer { buffer in
            var channelArgs = grpc_channel_args(num_args: buffer.count, args: buffer.baseAddress)
            return body(&channelArgs)
        }
    }
}
