import CEnvoyProto

/// A bump allocator handed to protobuf-c as its `ProtobufCAllocator`: every allocation of one
/// decode (or one response being built) comes from a few large blocks, `free` does nothing, and
/// `reset()` makes the memory reusable for the next call. After a call that needed more than the
/// current block, the next `reset()` replaces the blocks with a single one big enough (up to
/// `retainLimit`), so a steady stream of similar requests allocates nothing.
///
/// Not thread-safe: one arena per decoder, one decoder per thread.
final class Arena {
    static let alignment = 16
    static let initialCapacity = 16 << 10
    /// Blocks bigger than this are released on reset rather than kept for the next call.
    static let retainLimit = 1 << 20

    /// The bump state, where protobuf-c's C callback reaches it without reference counting.
    struct State {
        var block: UnsafeMutableRawPointer
        var capacity: Int
        var used: Int
        /// The arena itself, unretained (it owns this state), for the slow path.
        var owner: Unmanaged<Arena>?
    }

    private let state: UnsafeMutablePointer<State>
    /// Blocks filled earlier in the current call; released on reset.
    private var retired: [UnsafeMutableRawPointer] = []
    private var retiredBytes = 0
    private(set) var allocator = ProtobufCAllocator()

    init(capacity: Int = Arena.initialCapacity) {
        state = .allocate(capacity: 1)
        state.initialize(to: State(
            block: .allocate(byteCount: capacity, alignment: Arena.alignment), capacity: capacity, used: 0, owner: nil))
        allocator.alloc = arenaAlloc
        allocator.free = arenaFree
        allocator.allocator_data = UnsafeMutableRawPointer(state)
        state.pointee.owner = Unmanaged.passUnretained(self)
    }

    deinit {
        for b in retired { b.deallocate() }
        state.pointee.block.deallocate()
        state.deallocate()
    }

    /// Size of the block allocations are currently served from.
    var blockCapacity: Int { state.pointee.capacity }

    /// Bytes handed out since the last reset.
    var bytesInUse: Int { retiredBytes + state.pointee.used }

    @inline(__always)
    func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        Arena.bump(state, size) ?? grow(size)
    }

    /// Serves `size` bytes from the current block, or nil when it is full.
    @inline(__always)
    static func bump(_ s: UnsafeMutablePointer<State>, _ size: Int) -> UnsafeMutableRawPointer? {
        let n = (max(size, 1) + Arena.alignment - 1) & ~(Arena.alignment - 1)
        let used = s.pointee.used
        guard used + n <= s.pointee.capacity else { return nil }
        s.pointee.used = used + n
        return s.pointee.block + used
    }

    /// Retires the full block and starts one at least twice as big.
    func grow(_ size: Int) -> UnsafeMutableRawPointer {
        let n = (max(size, 1) + Arena.alignment - 1) & ~(Arena.alignment - 1)
        retired.append(state.pointee.block)
        retiredBytes += state.pointee.used
        let capacity = max(n, state.pointee.capacity * 2)
        state.pointee.block = .allocate(byteCount: capacity, alignment: Arena.alignment)
        state.pointee.capacity = capacity
        state.pointee.used = n
        return state.pointee.block
    }

    /// A zero-filled, typed allocation.
    func make<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        let raw = allocate(MemoryLayout<T>.stride)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<T>.stride)
        return raw.bindMemory(to: T.self, capacity: 1)
    }

    /// Room for `count` values of `T`, zero-filled.
    func makeArray<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = MemoryLayout<T>.stride * max(count, 1)
        let raw = allocate(bytes)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        return raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    /// A NUL-terminated copy of `s` (protobuf-c strings are `char *`).
    func cString(_ s: String) -> UnsafeMutablePointer<CChar> {
        var s = s
        return s.withUTF8 { utf8 in
            let p = allocate(utf8.count + 1).bindMemory(to: CChar.self, capacity: utf8.count + 1)
            if let base = utf8.baseAddress {
                UnsafeMutableRawPointer(p).copyMemory(from: base, byteCount: utf8.count)
            }
            p[utf8.count] = 0
            return p
        }
    }

    /// A copy of `bytes` for a `ProtobufCBinaryData`.
    func binary(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let p = allocate(bytes.count).bindMemory(to: UInt8.self, capacity: bytes.count)
        bytes.withUnsafeBufferPointer { src in
            p.initialize(from: src.baseAddress!, count: src.count)
        }
        return ProtobufCBinaryData(len: bytes.count, data: p)
    }

    /// Makes every allocation reusable. Pointers handed out before are invalid afterwards.
    func reset() {
        var s = state.pointee
        if !retired.isEmpty {
            let total = retiredBytes + s.used
            for b in retired { b.deallocate() }
            retired.removeAll(keepingCapacity: true)
            retiredBytes = 0
            s.block.deallocate()
            s.capacity = total <= Arena.retainLimit ? max(total * 5 / 4, Arena.initialCapacity) : Arena.initialCapacity
            s.block = .allocate(byteCount: s.capacity, alignment: Arena.alignment)
        } else if s.capacity > Arena.retainLimit {
            s.block.deallocate()
            s.capacity = Arena.initialCapacity
            s.block = .allocate(byteCount: s.capacity, alignment: Arena.alignment)
        }
        s.used = 0
        state.pointee = s
    }
}

private func arenaAlloc(_ data: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let s = data?.assumingMemoryBound(to: Arena.State.self) else { return nil }
    if let p = Arena.bump(s, size) { return p }
    // Rare: the block is full; the owning arena starts a bigger one.
    return s.pointee.owner?._withUnsafeGuaranteedRef { $0.grow(size) }
}

private func arenaFree(_ data: UnsafeMutableRawPointer?, _ pointer: UnsafeMutableRawPointer?) {}
