import CGRPC

/// A minimal unary client on the C core's client API, for driving a `GRPCServer` in-process.
final class CoreTestClient {
    struct Reply {
        var status: Int32
        var details: String
        var message: [UInt8]?
    }

    private let channel: OpaquePointer
    private let queue: OpaquePointer

    init(target: String) {
        grpc_init()
        let credentials = grpc_insecure_credentials_create()
        channel = grpc_channel_create(target, credentials, nil)
        grpc_channel_credentials_release(credentials)
        queue = grpc_completion_queue_create_for_pluck(nil)
    }

    deinit {
        grpc_channel_destroy(channel)
        grpc_completion_queue_shutdown(queue)
        while grpc_completion_queue_pluck(queue, nil, gpr_inf_future(GPR_CLOCK_REALTIME), nil).type != GRPC_QUEUE_SHUTDOWN {}
        grpc_completion_queue_destroy(queue)
        grpc_shutdown()
    }

    func call(_ method: String, _ request: [UInt8], timeoutMillis: Int64 = 5000) -> Reply {
        var path = method.withCString { grpc_slice_from_copied_string($0) }
        defer { grpc_slice_unref(path) }
        let deadline = gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(timeoutMillis, GPR_TIMESPAN))
        let call = grpc_channel_create_call(channel, nil, 0xFFFF, queue, path, nil, deadline, nil)!
        defer { grpc_call_unref(call) }

        var sendSlice = request.withUnsafeBufferPointer {
            grpc_slice_from_copied_buffer(UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: CChar.self), $0.count)
        }
        let sendBuffer = grpc_raw_byte_buffer_create(&sendSlice, 1)
        grpc_slice_unref(sendSlice)
        defer { grpc_byte_buffer_destroy(sendBuffer) }

        let initial = UnsafeMutablePointer<grpc_metadata_array>.allocate(capacity: 1)
        let trailing = UnsafeMutablePointer<grpc_metadata_array>.allocate(capacity: 1)
        grpc_metadata_array_init(initial)
        grpc_metadata_array_init(trailing)
        let received = UnsafeMutablePointer<UnsafeMutablePointer<grpc_byte_buffer>?>.allocate(capacity: 1)
        received.initialize(to: nil)
        let status = UnsafeMutablePointer<grpc_status_code>.allocate(capacity: 1)
        let details = UnsafeMutablePointer<grpc_slice>.allocate(capacity: 1)
        details.initialize(to: grpc_empty_slice())
        defer {
            grpc_metadata_array_destroy(initial)
            grpc_metadata_array_destroy(trailing)
            if let b = received.pointee { grpc_byte_buffer_destroy(b) }
            grpc_slice_unref(details.pointee)
            initial.deallocate(); trailing.deallocate(); received.deallocate(); status.deallocate(); details.deallocate()
        }

        var ops = [grpc_op](repeating: grpc_op(), count: 6)
        ops[0].op = GRPC_OP_SEND_INITIAL_METADATA
        ops[1].op = GRPC_OP_SEND_MESSAGE
        ops[1].data.send_message.send_message = sendBuffer
        ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT
        ops[3].op = GRPC_OP_RECV_INITIAL_METADATA
        ops[3].data.recv_initial_metadata.recv_initial_metadata = initial
        ops[4].op = GRPC_OP_RECV_MESSAGE
        ops[4].data.recv_message.recv_message = received
        ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT
        ops[5].data.recv_status_on_client.trailing_metadata = trailing
        ops[5].data.recv_status_on_client.status = status
        ops[5].data.recv_status_on_client.status_details = details
        let tag = UnsafeMutableRawPointer(bitPattern: 0x7E57)
        let rc = ops.withUnsafeMutableBufferPointer { grpc_call_start_batch(call, $0.baseAddress, $0.count, tag, nil) }
        precondition(rc == GRPC_CALL_OK, "test client batch refused")
        _ = grpc_completion_queue_pluck(queue, tag, gpr_inf_future(GPR_CLOCK_REALTIME), nil)

        var message: [UInt8]?
        if let buffer = received.pointee {
            var reader = grpc_byte_buffer_reader()
            grpc_byte_buffer_reader_init(&reader, buffer)
            var all = grpc_byte_buffer_reader_readall(&reader)
            grpc_byte_buffer_reader_destroy(&reader)
            message = withUnsafePointer(to: &all) {
                Array(UnsafeRawBufferPointer(start: pc_grpc_slice_start($0), count: pc_grpc_slice_length($0)))
            }
            grpc_slice_unref(all)
        }
        let text = String(decoding: UnsafeRawBufferPointer(start: pc_grpc_slice_start(details), count: pc_grpc_slice_length(details)), as: UTF8.self)
        return Reply(status: Int32(status.pointee.rawValue), details: text, message: message)
    }
}
