import CGRPC

/// A call requested for any method not registered: the core holds such calls until the
/// server asks for them, so some are always asked for and answered UNIMPLEMENTED.
final class GenericRequest: CompletionTag {
    private let call = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: 1)
    private let details = UnsafeMutablePointer<grpc_call_details>.allocate(capacity: 1)
    private let metadata = UnsafeMutablePointer<grpc_metadata_array>.allocate(capacity: 1)

    override init() {
        call.initialize(to: nil)
        details.initialize(to: grpc_call_details())
        grpc_call_details_init(details)
        metadata.initialize(to: grpc_metadata_array())
        grpc_metadata_array_init(metadata)
        super.init()
    }

    deinit {
        grpc_call_details_destroy(details)
        grpc_metadata_array_destroy(metadata)
        call.deallocate()
        details.deallocate()
        metadata.deallocate()
    }

    @discardableResult
    func post(on worker: Worker) -> Bool {
        call.pointee = nil
        metadata.pointee.count = 0
        let tag = retainedTag(on: worker)
        let rc = grpc_server_request_call(worker.server, call, details, metadata, worker.queue, worker.queue, tag)
        if rc != GRPC_CALL_OK {
            CompletionTag.releaseTag(tag, on: worker)
            return false
        }
        return true
    }

    override func complete(success: Bool, worker: Worker) {
        let arrived = call.pointee
        call.pointee = nil
        guard success, let arrived else { return }
        let path = withUnsafePointer(to: &details.pointee.method) { s in
            String(decoding: UnsafeRawBufferPointer(start: pc_grpc_slice_start(s), count: min(pc_grpc_slice_length(s), 256)), as: UTF8.self)
        }
        // The details own slice references: release them before the struct is reused.
        grpc_call_details_destroy(details)
        grpc_call_details_init(details)
        post(on: worker)
        worker.respond(call: arrived, with: .status(GRPCStatus(.unimplemented, "unknown method \(path)")))
    }
}
