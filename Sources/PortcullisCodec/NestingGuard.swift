import CEnvoyProto

/// A pass over protobuf wire bytes, before protobuf-c unpacks them, that bounds how deeply
/// messages nest. protobuf-c 1.4.1 recurses once per nested message with no limit, so a few
/// megabytes of nested `google.protobuf.Value`s in `metadata_context` would exhaust a worker
/// thread's stack. The pass follows only fields the descriptor declares as messages of a type
/// that can nest without bound (one on or leading to a cycle of message types, such as
/// `google.protobuf.Value` → `Struct` → `Value`), skips everything else by its length (the
/// headers and peers, whose depth the schema bounds, are not walked), and stops at the first
/// structural error it meets; protobuf-c finds any in the parts skipped.
enum NestingGuard {
    enum Outcome { case ok, malformed, tooDeep }

    /// The message types reachable from a root that can nest without bound, by descriptor address.
    struct UnboundedTypes: @unchecked Sendable {
        // @unchecked: immutable after init; the descriptors are static C data.
        let addresses: Set<UInt>
        /// Their full names (e.g. `google.protobuf.Value`), for diagnostics and tests.
        let names: Set<String>

        init(roots: [UnsafePointer<ProtobufCMessageDescriptor>]) {
            func children(_ d: UnsafePointer<ProtobufCMessageDescriptor>) -> [UnsafePointer<ProtobufCMessageDescriptor>] {
                guard let fields = d.pointee.fields else { return [] }
                return (0..<Int(d.pointee.n_fields)).compactMap { i in
                    guard fields[i].type == PROTOBUF_C_TYPE_MESSAGE, let sub = fields[i].descriptor else { return nil }
                    return sub.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                }
            }
            func key(_ d: UnsafePointer<ProtobufCMessageDescriptor>) -> UInt { UInt(bitPattern: d) }
            // Every type reachable from the roots, and what each reaches in one or more steps.
            var all: [UInt: UnsafePointer<ProtobufCMessageDescriptor>] = [:]
            var pending = roots
            while let d = pending.popLast() {
                guard all[key(d)] == nil else { continue }
                all[key(d)] = d
                pending += children(d)
            }
            var reach: [UInt: Set<UInt>] = [:]
            for (k, d) in all {
                var seen = Set<UInt>()
                var stack = children(d)
                while let c = stack.popLast() {
                    if seen.insert(key(c)).inserted { stack += children(c) }
                }
                reach[k] = seen
            }
            let cyclic = Set(reach.filter { $0.value.contains($0.key) }.keys)
            addresses = Set(reach.filter { !$0.value.isDisjoint(with: cyclic) }.keys)
            names = Set(addresses.compactMap { all[$0]?.pointee.name.map { String(cString: $0) } })
        }

        func contains(_ d: UnsafePointer<ProtobufCMessageDescriptor>) -> Bool {
            addresses.contains(UInt(bitPattern: d))
        }
    }

    /// For CheckRequest (and everything it contains).
    static let checkRequestTypes = withUnsafePointer(to: envoy__service__auth__v3__check_request__descriptor) {
        UnboundedTypes(roots: [$0])
    }

    /// `unbounded`: the types to walk into (computed once per root with `UnboundedTypes`).
    static func check(
        _ bytes: UnsafeRawBufferPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        unbounded: UnboundedTypes, limit: Int
    ) -> Outcome {
        guard let base = bytes.baseAddress else { return .ok }
        return scan(base.assumingMemoryBound(to: UInt8.self), bytes.count, descriptor, unbounded, depth: 0, limit: limit)
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
        _ unbounded: UnboundedTypes, depth: Int, limit: Int
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
                   let sub = field.pointee.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self),
                   unbounded.contains(sub)
                {
                    let r = scan(p + i, n, sub, unbounded, depth: depth + 1, limit: limit)
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
