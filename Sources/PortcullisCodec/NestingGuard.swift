import CEnvoyProto

/// A pass over protobuf wire bytes, before protobuf-c unpacks them, that bounds how deeply
/// messages nest. protobuf-c 1.4.1 recurses once per nested message with no limit, so a few
/// megabytes of nested `google.protobuf.Value`s in `metadata_context` would exhaust a worker
/// thread's stack. The pass follows only fields the descriptor declares as messages, skips
/// everything else by its length, and stops at the first structural error.
enum NestingGuard {
    enum Outcome { case ok, malformed, tooDeep }

    static func check(
        _ bytes: UnsafeRawBufferPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, limit: Int
    ) -> Outcome {
        guard let base = bytes.baseAddress else { return .ok }
        return scan(base.assumingMemoryBound(to: UInt8.self), bytes.count, descriptor, depth: 0, limit: limit)
    }

    private static func varint(_ p: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) -> UInt64? {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while i < end {
            let b = p[i]
            i += 1
            v |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return v }
            shift += 7
            if shift >= 70 { return nil }
        }
        return nil
    }

    private static func scan(
        _ p: UnsafePointer<UInt8>, _ count: Int, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        depth: Int, limit: Int
    ) -> Outcome {
        if depth > limit { return .tooDeep }
        var i = 0
        while i < count {
            guard let tag = varint(p, count, &i) else { return .malformed }
            let number = tag >> 3
            guard number > 0, number <= 0x1FFF_FFFF else { return .malformed }
            switch tag & 7 {
            case 0:
                guard varint(p, count, &i) != nil else { return .malformed }
            case 1:
                i += 8
            case 5:
                i += 4
            case 2:
                guard let len = varint(p, count, &i), len <= UInt64(count - i) else { return .malformed }
                let n = Int(len)
                if let field = protobuf_c_message_descriptor_get_field(descriptor, UInt32(number)),
                   field.pointee.type == PROTOBUF_C_TYPE_MESSAGE,
                   let sub = field.pointee.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                {
                    let r = scan(p + i, n, sub, depth: depth + 1, limit: limit)
                    if r != .ok { return r }
                }
                i += n
            default:
                return .malformed
            }
            if i > count { return .malformed }
        }
        return .ok
    }
}
