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

    private var block: UnsafeMutableRawPointer
    private var capacity: Int
    private var used = 0
    /// Blocks filled earlier in the current call; released on reset.
    private var retired: [UnsafeMutableRawPointer] = []
    private var retiredBytes = 0
    private(set) var allocator = ProtobufCAllocator()

    init(capacity: Int = Arena.initialCapacity) {
        self.capacity = capacity
        block = .allocate(byteCount: capacity, alignment: Arena.alignment)
        allocator.alloc = arenaAlloc
        allocator.free = arenaFree
        allocator.allocator_data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        for b in retired { b.deallocate() }
        block.deallocate()
    }

    /// Bytes handed out since the last reset.
    var bytesInUse: Int { retiredBytes + used }

    func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        let n = (max(size, 1) + Arena.alignment - 1) & ~(Arena.alignment - 1)
        if used + n > capacity {
            retired.append(block)
            retiredBytes += used
            capacity = max(n, capacity * 2)
            block = .allocate(byteCount: capacity, alignment: Arena.alignment)
            used = 0
        }
        let p = block + used
        used += n
        return p
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
        if !retired.isEmpty {
            let total = retiredBytes + used
            for b in retired { b.deallocate() }
            retired.removeAll(keepingCapacity: true)
            retiredBytes = 0
            block.deallocate()
            capacity = total <= Arena.retainLimit ? max(total * 5 / 4, Arena.initialCapacity) : Arena.initialCapacity
            block = .allocate(byteCount: capacity, alignment: Arena.alignment)
        } else if capacity > Arena.retainLimit {
            block.deallocate()
            capacity = Arena.initialCapacity
            block = .allocate(byteCount: capacity, alignment: Arena.alignment)
        }
        used = 0
    }
}

private func arenaAlloc(_ data: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let data else { return nil }
    return Unmanaged<Arena>.fromOpaque(data).takeUnretainedValue().allocate(size)
}

private func arenaFree(_ data: UnsafeMutableRawPointer?, _ pointer: UnsafeMutableRawPointer?) {}
