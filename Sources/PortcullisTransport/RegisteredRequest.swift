import CGRPC

/// One call requested in advance for a registered method. The output fields the core
/// fills when a call arrives live on the heap, owned (and freed) by this object.
final class RegisteredRequest: CompletionTag {
    let method: RegisteredMethod
    private let call = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: 1)
    private let deadline = UnsafeMutablePointer<gpr_timespec>.allocate(capacity: 1)
    private let metadata = UnsafeMutablePointer<grpc_metadata_array>.allocate(capacity: 1)
    private let payload = UnsafeMutablePointer<UnsafeMutablePointer<grpc_byte_buffer>?>.allocate(capacity: 1)

    init(method: RegisteredMethod) {
        self.method = method
        call.initialize(to: nil)
        deadline.initialize(to: gpr_timespec())
        metadata.initialize(to: grpc_metadata_array())
        grpc_metadata_array_init(metadata)
        payload.initialize(to: nil)
    }

    deinit {
        grpc_metadata_array_destroy(metadata)
        call.deallocate()
        deadline.deallocate()
        metadata.deallocate()
        payload.deallocate()
    }

    /// Asks the core for the next call of this method on the worker's queue.
    @discardableResult
    func post(on worker: Worker) -> Bool {
        call.pointee = nil
        payload.pointee = nil
        // The entries point into the previous call, which we never read: reuse the array.
        metadata.pointee.count = 0
        let tag = retainedTag(on: worker)
        let rc = grpc_server_request_registered_call(
            worker.server, method.handle, call, deadline, metadata, payload, worker.queue, worker.queue, tag)
        if rc != GRPC_CALL_OK {
            CompletionTag.releaseTag(tag, on: worker)
            return false
        }
        return true
    }

    override func complete(success: Bool, worker: Worker) {
        let arrived = call.pointee
        let message = payload.pointee
        call.pointee = nil
        payload.pointee = nil
        guard success, let arrived else {
            // The core fails requested calls only when the server shuts down: do not re-arm.
            if let message { grpc_byte_buffer_destroy(message) }
            return
        }
        post(on: worker)  // re-arm before serving, so the queue never runs dry
        worker.serve(call: arrived, payload: message, method: method)
    }
}
