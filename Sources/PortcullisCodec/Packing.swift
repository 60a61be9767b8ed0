import CEnvoyProto

/// Serializes a protobuf-c message with the generated `get_packed_size`/`pack` pair.
@inline(__always)
func packed<M>(
    _ msg: UnsafePointer<M>, size: (UnsafePointer<M>) -> Int, pack: (UnsafePointer<M>, UnsafeMutablePointer<UInt8>) -> Int
) -> [UInt8] {
    let n = size(msg)
    guard n > 0 else { return [] }
    return [UInt8](unsafeUninitializedCapacity: n) { buf, count in
        count = buf.baseAddress.map { pack(msg, $0) } ?? 0
    }
}

/// Runs `body` with a C allocator that serves from `arena`, resetting the arena afterwards.
@inline(__always)
func withArena<R>(_ arena: Arena, _ body: (Arena) -> R) -> R {
    defer { arena.reset() }
    return body(arena)
}
