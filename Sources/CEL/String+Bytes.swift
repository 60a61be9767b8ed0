/// Byte-wise string operations. CEL compares strings by code points without Unicode normalisation, which for
/// UTF-8 is byte equality; these avoid `String ==` (canonical equivalence) and the slow generic UTF8View paths.
/// Public for the policy engine, which compares map keys, header names and `from`/`to` strings the same way.
public enum StringBytes {
    /// The string's UTF-8 bytes, in place when the string is contiguous (a copy otherwise).
    @inlinable
    public static func withBytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = s.utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = s
        return copy.withUTF8(body)
    }

    /// Whether `b` occurs in `a` at `aStart` (the caller checks that it fits).
    @inlinable
    public static func same(_ a: UnsafeBufferPointer<UInt8>, _ aStart: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        // Eight bytes at a time while they last (SPIFFE IDs, hosts and header names are mostly longer than 8).
        if n >= 8, let pa = a.baseAddress, let pb = b.baseAddress {
            let ra = UnsafeRawPointer(pa + aStart), rb = UnsafeRawPointer(pb)
            while i &+ 8 <= n {
                if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                    return false
                }
                i &+= 8
            }
        }
        while i < n {
            if a[aStart &+ i] != b[i] { return false }
            i &+= 1
        }
        return true
    }

    @inlinable
    public static func equal(_ a: String, _ b: String) -> Bool {
        if a.utf8.count != b.utf8.count { return false }
        return withBytes(a) { x in withBytes(b) { y in same(x, 0, y) } }
    }

    /// Whether `bytes` begin with the UTF-8 bytes of `s`.
    @inlinable
    public static func starts(_ bytes: UnsafeBufferPointer<UInt8>, with s: String) -> Bool {
        withBytes(s) { p in p.count <= bytes.count && same(bytes, 0, p) }
    }

    /// Whether `bytes` end with the UTF-8 bytes of `s`.
    @inlinable
    public static func ends(_ bytes: UnsafeBufferPointer<UInt8>, with s: String) -> Bool {
        withBytes(s) { p in p.count <= bytes.count && same(bytes, bytes.count - p.count, p) }
    }

    /// Whether `bytes` are the UTF-8 bytes of `s`.
    @inlinable
    public static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ s: String) -> Bool {
        if bytes.count != s.utf8.count { return false }
        return withBytes(s) { y in same(bytes, 0, y) }
    }

    static func hasPrefix(_ s: String, _ p: String) -> Bool {
        if p.utf8.count > s.utf8.count { return false }
        return withBytes(s) { x in withBytes(p) { y in same(x, 0, y) } }
    }

    static func hasSuffix(_ s: String, _ p: String) -> Bool {
        let n = s.utf8.count, m = p.utf8.count
        if m > n { return false }
        return withBytes(s) { x in withBytes(p) { y in same(x, n - m, y) } }
    }

    static func contains(_ s: String, _ p: String) -> Bool {
        let n = s.utf8.count, m = p.utf8.count
        if m == 0 { return true }
        if m > n { return false }
        // Long needles: linear-time search (the naive scan below is quadratic in the worst case).
        if m > 16 { return Search(Array(p.utf8)).first(in: Array(s.utf8)) != nil }
        return withBytes(s) { x in
            withBytes(p) { y in
                let first = y[0]
                var i = 0
                while i <= n - m {
                    if x[i] == first && same(x, i, y) { return true }
                    i += 1
                }
                return false
            }
        }
    }
}
