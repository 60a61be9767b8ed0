import CGRPC

/// Something the C core reports completion of on a completion queue. The tag pointer
/// handed to the core carries a +1 reference, taken back when the event is drained.
class CompletionTag {
    func complete(success: Bool, worker: Worker) {}

    /// A retained pointer for one operation about to be started on `worker`'s queue.
    final func retainedTag(on worker: Worker) -> UnsafeMutableRawPointer {
        worker.operationStarting()
        return Unmanaged.passRetained(self).toOpaque()
    }

    /// Gives back the reference of an operation the core refused to start.
    static func releaseTag(_ tag: UnsafeMutableRawPointer, on worker: Worker) {
        Unmanaged<CompletionTag>.fromOpaque(tag).release()
        worker.operationEnded()
    }
}

/// A method registered with the core. `handle` is the core's token for it, owned by the
/// `grpc_server` it was registered with (freed by `grpc_server_destroy`).
final class RegisteredMethod: @unchecked Sendable {
    enum Kind { case unary, healthCheck, healthWatch }
    let path: String
    let kind: Kind
    let handle: UnsafeMutableRawPointer
    /// Calls kept requested per worker.
    let depth: Int

    init(path: String, kind: Kind, handle: UnsafeMutableRawPointer, depth: Int) {
        self.path = path
        self.kind = kind
        self.handle = handle
        self.depth = depth
    }
}

/// Reads a request message as borrowed bytes: the slice itself when the message arrived
/// in one uncompressed slice, else one contiguous copy made by the core's reader.
/// Returns nil when the core cannot read the buffer.
func withMessageBytes<R>(_ buffer: UnsafeMutablePointer<grpc_byte_buffer>, _ body: (RawSpan) -> R) -> R? {
    if buffer.pointee.type == GRPC_BB_RAW, buffer.pointee.data.raw.compression == GRPC_COMPRESS_NONE {
        let count = buffer.pointee.data.raw.slice_buffer.count
        if count == 0 {
            return body(UnsafeRawBufferPointer(start: nil, count: 0).bytes)
        }
        if count == 1, let slice = buffer.pointee.data.raw.slice_buffer.slices {
            let bytes = UnsafeRawBufferPointer(start: pc_grpc_slice_start(slice), count: pc_grpc_slice_length(slice))
            return body(bytes.bytes)
        }
    }
    var reader = grpc_byte_buffer_reader()
    guard grpc_byte_buffer_reader_init(&reader, buffer) != 0 else { return nil }
    var slice = grpc_byte_buffer_reader_readall(&reader)
    grpc_byte_buffer_reader_destroy(&reader)
    defer { grpc_slice_unref(slice) }
    return withUnsafePointer(to: &slice) { s in
        body(UnsafeRawBufferPointer(start: pc_grpc_slice_start(s), count: pc_grpc_slice_length(s)).bytes)
    }
}

/// A byte buffer holding a copy of `bytes`; the caller owns it (`grpc_byte_buffer_destroy`).
func makeByteBuffer(_ bytes: [UInt8]) -> UnsafeMutablePointer<grpc_byte_buffer>? {
    var slice = bytes.withUnsafeBufferPointer { p in
        grpc_slice_from_copied_buffer(p.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, p.count)
    }
    defer { grpc_slice_unref(slice) }
    return grpc_raw_byte_buffer_create(&slice, 1)
}

/// A slice holding a copy of `text`; the caller owns it (`grpc_slice_unref`).
func makeSlice(_ text: String) -> grpc_slice {
    var copy = text
    return copy.withUTF8 { p in
        grpc_slice_from_copied_buffer(p.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, p.count)
    }
}
