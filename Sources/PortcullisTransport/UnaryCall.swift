import CGRPC

/// Answers one unary call with a single batch; owns the call reference and the send
/// buffers until the batch completes, then returns to its worker's pool for reuse.
final class UnaryCall: CompletionTag {
    private var call: OpaquePointer?
    private let ops = UnsafeMutablePointer<grpc_op>.allocate(capacity: 4)
    private let cancelled = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private let details = UnsafeMutablePointer<grpc_slice>.allocate(capacity: 1)
    private var hasDetails = false
    private var sendBuffer: UnsafeMutablePointer<grpc_byte_buffer>?

    override init() {
        ops.initialize(repeating: grpc_op(), count: 4)
        cancelled.initialize(to: 0)
        details.initialize(to: grpc_empty_slice())
        super.init()
    }

    deinit {
        release()
        ops.deallocate()
        cancelled.deallocate()
        details.deallocate()
    }

    /// Starts the answer; takes over the caller's reference to `call`.
    func start(call: OpaquePointer, response: GRPCResponse, worker: Worker) {
        self.call = call
        var n = 0
        func op(_ type: grpc_op_type) -> UnsafeMutablePointer<grpc_op> {
            let p = ops + n
            p.pointee = grpc_op()
            p.pointee.op = type
            n += 1
            return p
        }
        var code = GRPC_STATUS_OK
        // Always send (empty) initial metadata: a status alone never reached the client here.
        _ = op(GRPC_OP_SEND_INITIAL_METADATA)
        switch response {
        case .message(let bytes):
            sendBuffer = makeByteBuffer(bytes)
            op(GRPC_OP_SEND_MESSAGE).pointee.data.send_message.send_message = sendBuffer
        case .status(let status):
            code = grpc_status_code(rawValue: Int32(status.code.rawValue))
            if !status.message.isEmpty {
                details.pointee = makeSlice(status.message)
                hasDetails = true
            }
        }
        let send = op(GRPC_OP_SEND_STATUS_FROM_SERVER)
        send.pointee.data.send_status_from_server.status = code
        send.pointee.data.send_status_from_server.status_details = hasDetails ? details : nil
        op(GRPC_OP_RECV_CLOSE_ON_SERVER).pointee.data.recv_close_on_server.cancelled = cancelled

        let tag = retainedTag(on: worker)
        if grpc_call_start_batch(call, ops, n, tag, nil) != GRPC_CALL_OK {
            CompletionTag.releaseTag(tag, on: worker)
            release()
            worker.recycle(self)
        }
    }

    override func complete(success: Bool, worker: Worker) {
        release()
        worker.recycle(self)
    }

    private func release() {
        if let b = sendBuffer { grpc_byte_buffer_destroy(b) }
        sendBuffer = nil
        if hasDetails { grpc_slice_unref(details.pointee) }
        hasDetails = false
        if let c = call { grpc_call_unref(c) }
        call = nil
    }
}
