import CGRPC

/// One `Health/Watch` stream: sends the current status, then each change; on shutdown
/// sends NOT_SERVING and ends the stream with UNAVAILABLE. Its state is guarded by the
/// health board's lock, so the status can change from any thread. Owns the call reference
/// until both the last send and the close notification have come back.
final class WatchCall: @unchecked Sendable {
    private let call: OpaquePointer
    private let service: String
    private let board: HealthBoard
    /// The worker whose queue this stream's operations complete on.
    private let worker: Worker
    private let sendOps = UnsafeMutablePointer<grpc_op>.allocate(capacity: 3)
    private let closeOp = UnsafeMutablePointer<grpc_op>.allocate(capacity: 1)
    private let cancelled = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private let details = UnsafeMutablePointer<grpc_slice>.allocate(capacity: 1)
    private var sendBuffer: UnsafeMutablePointer<grpc_byte_buffer>?
    private var hasDetails = false
    private var sentHeaders = false
    private var lastSent: HealthWire.ServingStatus?
    private var sending = false
    private var finished = false
    private var closed = false
    private var dead = false
    private var released = false

    init(call: OpaquePointer, service: String, board: HealthBoard, worker: Worker) {
        self.call = call
        self.worker = worker
        self.service = service
        self.board = board
        sendOps.initialize(repeating: grpc_op(), count: 3)
        closeOp.initialize(to: grpc_op())
        cancelled.initialize(to: 0)
        details.initialize(to: grpc_empty_slice())
    }

    deinit {
        if let b = sendBuffer { grpc_byte_buffer_destroy(b) }
        if hasDetails { grpc_slice_unref(details.pointee) }
        if !released { grpc_call_unref(call) }
        sendOps.deallocate()
        closeOp.deallocate()
        cancelled.deallocate()
        details.deallocate()
    }

    /// Registers the stream, asks to be told when it closes, and sends the current status.
    func start() {
        board.withWatches { registry in
            registry.active[ObjectIdentifier(self)] = self
            closeOp.pointee = grpc_op()
            closeOp.pointee.op = GRPC_OP_RECV_CLOSE_ON_SERVER
            closeOp.pointee.data.recv_close_on_server.cancelled = cancelled
            let tag = CloseTag(self).retainedTag(on: worker)
            if grpc_call_start_batch(call, closeOp, 1, tag, nil) != GRPC_CALL_OK {
                CompletionTag.releaseTag(tag, on: worker)
                closed = true
                dead = true
                releaseIfDone(&registry)
                return
            }
            pump(finishing: registry.finishing)
        }
    }

    /// Sends what the watcher has not seen yet. Called with the board's lock held.
    func pump(finishing: Bool) {
        guard !sending, !finished, !closed, !dead else { return }
        let status: HealthWire.ServingStatus = finishing ? .notServing : board.watchStatus(of: service)
        let needMessage = lastSent != status
        guard needMessage || finishing else { return }

        var n = 0
        if !sentHeaders {
            sendOps[n] = grpc_op()
            sendOps[n].op = GRPC_OP_SEND_INITIAL_METADATA
            n += 1
        }
        if needMessage {
            sendBuffer = makeByteBuffer(HealthWire.encodeResponse(status))
            sendOps[n] = grpc_op()
            sendOps[n].op = GRPC_OP_SEND_MESSAGE
            sendOps[n].data.send_message.send_message = sendBuffer
            n += 1
        }
        if finishing {
            details.pointee = makeSlice("server shutting down")
            hasDetails = true
            sendOps[n] = grpc_op()
            sendOps[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER
            sendOps[n].data.send_status_from_server.status = GRPC_STATUS_UNAVAILABLE
            sendOps[n].data.send_status_from_server.status_details = details
            n += 1
        }
        let tag = SendTag(self).retainedTag(on: worker)
        if grpc_call_start_batch(call, sendOps, n, tag, nil) != GRPC_CALL_OK {
            CompletionTag.releaseTag(tag, on: worker)
            dropSendBuffers()
            dead = true
            return
        }
        sentHeaders = true
        sending = true
        lastSent = status
        if finishing { finished = true }
    }

    fileprivate func sendCompleted(success: Bool) {
        board.withWatches { registry in
            sending = false
            dropSendBuffers()
            if !success { dead = true }
            pump(finishing: registry.finishing)
            releaseIfDone(&registry)
        }
    }

    fileprivate func closeCompleted() {
        board.withWatches { registry in
            closed = true
            releaseIfDone(&registry)
        }
    }

    private func dropSendBuffers() {
        if let b = sendBuffer { grpc_byte_buffer_destroy(b) }
        sendBuffer = nil
        if hasDetails { grpc_slice_unref(details.pointee) }
        hasDetails = false
    }

    private func releaseIfDone(_ registry: inout HealthBoard.WatchRegistry) {
        guard closed, !sending, !released else { return }
        released = true
        grpc_call_unref(call)
        registry.active[ObjectIdentifier(self)] = nil
    }
}

private final class SendTag: CompletionTag {
    let watch: WatchCall
    init(_ watch: WatchCall) { self.watch = watch }
    override func complete(success: Bool, worker: Worker) { watch.sendCompleted(success: success) }
}

private final class CloseTag: CompletionTag {
    let watch: WatchCall
    init(_ watch: WatchCall) { self.watch = watch }
    override func complete(success: Bool, worker: Worker) { watch.closeCompleted() }
}
