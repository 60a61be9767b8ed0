/// Byte-wise string comparisons for the decision path: CEL map keys compare by bytes, and the generic
/// `utf8.elementsEqual` walks `String.UTF8View` index by index (hundreds of instructions per call).
enum UTF8Bytes {
    @inline(__always)
    static func equal(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        if let r = a.utf8.withContiguousStorageIfAvailable({ x in equal(x, b) }) { return r }
        return a.utf8.elementsEqual(b.utf8)
    }

    @inline(__always)
    static func equal(_ x: UnsafeBufferPointer<UInt8>, _ b: String) -> Bool {
        guard x.count == b.utf8.count else { return false }
        if let r = b.utf8.withContiguousStorageIfAvailable({ y in same(x, y) }) { return r }
        return x.elementsEqual(b.utf8)
    }

    @inline(__always)
    private static func same(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < x.count {
            if x[i] != y[i] { return false }
            i += 1
        }
        return true
    }
}
