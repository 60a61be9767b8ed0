import CGRPC
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One worker thread and the completion queue it alone drains. Calls that arrive on the
/// queue are served on this thread, start to finish; nothing here is shared with other
/// workers except the handler (which is `Sendable`) and the health board.
final class Worker: @unchecked Sendable {
    let index: Int
    /// `grpc_completion_queue*`, owned by this worker: shut down by the server's teardown,
    /// drained by `run`, destroyed in `deinit`.
    let queue: OpaquePointer
    /// `grpc_server*`, owned by `ServerCore`, which outlives the workers' use of it.
    let server: OpaquePointer
    let handler: any GRPCHandler
    let health: HealthBoard
    /// Pool of reusable answer objects; touched only by this worker's thread.
    private var idle: [UnaryCall] = []
    private var drained = false
    /// Operations started on `queue` whose events have not been drained yet.
    private let inFlight = Atomic<Int>(0)
    private let stopRequested = Atomic<Bool>(false)
    private let queueShutDown = Atomic<Bool>(false)

    init(index: Int, server: OpaquePointer, handler: any GRPCHandler, health: HealthBoard) throws(TransportError) {
        guard let queue = grpc_completion_queue_create_for_next(nil) else {
            throw .coreFailure("grpc_completion_queue_create_for_next returned NULL")
        }
        self.index = index
        self.queue = queue
        self.server = server
        self.handler = handler
        self.health = health
        grpc_server_register_completion_queue(server, queue, nil)
    }

    deinit {
        if !drained {
            requestStop()
            run()
        }
        grpc_completion_queue_destroy(queue)
    }

    /// Drains the queue until it is shut down and empty.
    func run() {
        while true {
            let event = grpc_completion_queue_next(queue, gpr_inf_future(GPR_CLOCK_REALTIME), nil)
            if event.type == GRPC_QUEUE_SHUTDOWN { break }
            guard event.type == GRPC_OP_COMPLETE, let raw = event.tag else { continue }
            let tag = Unmanaged<CompletionTag>.fromOpaque(raw).takeRetainedValue()
            tag.complete(success: event.success != 0, worker: self)
            // Counted down only after `complete`, which may have started new operations.
            operationEnded()
        }
        idle.removeAll()
        drained = true
    }

    /// The core asserts when an operation starts on a queue already shut down, and a call
    /// cancelled at the end of the grace period may still be in its handler. So the queue
    /// is shut down only once stop is requested and no operation of ours is pending on it:
    /// by whichever of `requestStop` and the worker's own loop sees that state first.
    func requestStop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        if inFlight.load(ordering: .sequentiallyConsistent) == 0 { shutDownQueueOnce() }
    }

    func operationStarting() {
        inFlight.add(1, ordering: .sequentiallyConsistent)
    }

    func operationEnded() {
        let left = inFlight.subtract(1, ordering: .sequentiallyConsistent).newValue
        if left == 0, stopRequested.load(ordering: .sequentiallyConsistent) { shutDownQueueOnce() }
    }

    private func shutDownQueueOnce() {
        if queueShutDown.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged {
            grpc_completion_queue_shutdown(queue)
        }
    }

    /// Posts the calls this worker keeps requested in advance.
    func arm(methods: [RegisteredMethod], genericDepth: Int) {
        for method in methods {
            for _ in 0..<method.depth { RegisteredRequest(method: method).post(on: self) }
        }
        for _ in 0..<genericDepth { GenericRequest().post(on: self) }
    }

    /// Serves a call that arrived for a registered method; takes over the call reference.
    func serve(call: OpaquePointer, payload: UnsafeMutablePointer<grpc_byte_buffer>?, method: RegisteredMethod) {
        defer { if let payload { grpc_byte_buffer_destroy(payload) } }
        guard let payload else {
            respond(call: call, with: .status(GRPCStatus(.invalidArgument, "missing request message")))
            return
        }
        switch method.kind {
        case .unary:
            let response = withMessageBytes(payload) { handler.handle(method: method.path, request: $0, worker: index) }
            respond(call: call, with: response ?? .status(GRPCStatus(.internal, "unreadable request message")))
        case .healthCheck:
            guard let service = withMessageBytes(payload, HealthWire.decodeService) ?? nil else {
                respond(call: call, with: .status(GRPCStatus(.invalidArgument, "malformed HealthCheckRequest")))
                return
            }
            guard let status = health.status(of: service) else {
                respond(call: call, with: .status(GRPCStatus(.notFound, "unknown service")))
                return
            }
            respond(call: call, with: .message(HealthWire.encodeResponse(status)))
        case .healthWatch:
            guard let service = withMessageBytes(payload, HealthWire.decodeService) ?? nil else {
                respond(call: call, with: .status(GRPCStatus(.invalidArgument, "malformed HealthCheckRequest")))
                return
            }
            WatchCall(call: call, service: service, board: health, worker: self).start()
        }
    }

    /// Answers a unary call; takes over the call reference.
    func respond(call: OpaquePointer, with response: GRPCResponse) {
        let answer = idle.popLast() ?? UnaryCall()
        answer.start(call: call, response: response, worker: self)
    }

    func recycle(_ answer: UnaryCall) {
        if idle.count < 256 { idle.append(answer) }
    }

    /// Starts the worker's thread. The thread holds a reference to the worker until `run` returns.
    func spawn() throws(TransportError) -> pthread_t {
        var thread = pthread_t()
        let arg = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            guard let arg else { return nil }
            let worker = Unmanaged<Worker>.fromOpaque(arg).takeRetainedValue()
            worker.run()
            return nil
        }, arg)
        if rc != 0 {
            Unmanaged<Worker>.fromOpaque(arg).release()
            throw .threadStartFailed(rc)
        }
        return thread
    }
}
