import CEL

/// Items keyed by literals a string must equal, start with or end with. Keys are stored by a 64-bit hash, so a
/// look-up scans the value once and probes only the lengths at which some key exists; a hash collision only adds
/// a candidate, which full matching then rejects.
///
/// A class so that a look-up reads the tables in place (a struct of dictionaries is copied, and every one
/// retained, on each read out of an array). Filled by `add` while its `CandidateIndex` is built, then only read:
/// the bundle that owns it is immutable once compiled. Its properties are therefore exempt from run-time
/// exclusivity checks (`swift_beginAccess` on every read otherwise: the largest cost of a look-up).
final class KeyIndex: @unchecked Sendable {
    @exclusivity(unchecked) private var exact = HashedItems()
    @exclusivity(unchecked) private var prefix = HashedItems()
    @exclusivity(unchecked) private var suffix = HashedItems()
    /// Sorted distinct key lengths.
    @exclusivity(unchecked) private var prefixLengths: [Int] = []
    @exclusivity(unchecked) private var suffixLengths: [Int] = []

    var isEmpty: Bool { exact.isEmpty && prefix.isEmpty && suffix.isEmpty }

    func add(_ key: IndexKey, item: Int32) {
        switch key {
        case .exact(let s):
            exact.append(Self.hash(s.utf8), item)
        case .prefix(let s):
            prefix.append(Self.hash(s.utf8), item)
            Self.insertLength(s.utf8.count, into: &prefixLengths)
        case .suffix(let s):
            suffix.append(Self.hash(s.utf8.reversed()), item)
            Self.insertLength(s.utf8.count, into: &suffixLengths)
        }
    }

    private static func insertLength(_ n: Int, into lengths: inout [Int]) {
        var lo = 0
        var hi = lengths.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lengths[mid] < n { lo = mid + 1 } else { hi = mid }
        }
        if lo < lengths.count, lengths[lo] == n { return }
        lengths.insert(n, at: lo)
    }

    func lookup(_ value: String, into out: inout [Int32]) {
        StringBytes.withBytes(value) { lookup(bytes: $0, into: &out) }
    }

    func lookup(_ value: Substring, into out: inout [Int32]) {
        // The bytes of the base string, cut to the substring's range (no copy of the substring).
        let base = value.base
        let start = base.utf8.distance(from: base.startIndex, to: value.startIndex)
        let count = value.utf8.count
        let done = base.utf8.withContiguousStorageIfAvailable { all in
            lookup(bytes: UnsafeBufferPointer(rebasing: all[start..<(start + count)]), into: &out)
        }
        if done != nil { return }
        var copy = value
        copy.withUTF8 { lookup(bytes: $0, into: &out) }
    }

    /// One pass over the bytes per kind of key: the whole value, its prefixes and its suffixes of the lengths
    /// some key has.
    func lookup(bytes: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        let count = bytes.count
        if !exact.isEmpty { exact.collect(Self.hash(bytes), into: &out) }
        if !prefixLengths.isEmpty {
            var h = Self.seed
            var n = 0
            var next = 0
            while next < prefixLengths.count, n < count {
                h = Self.step(h, bytes[n])
                n += 1
                if n == prefixLengths[next] {
                    prefix.collect(Self.finish(h, n), into: &out)
                    next += 1
                }
            }
        }
        if !suffixLengths.isEmpty {
            var h = Self.seed
            var n = 0
            var next = 0
            while next < suffixLengths.count, n < count {
                h = Self.step(h, bytes[count - 1 - n])
                n += 1
                if n == suffixLengths[next] {
                    suffix.collect(Self.finish(h, n), into: &out)
                    next += 1
                }
            }
        }
    }

    // FNV-1a, finished with the length and a final mix.
    private static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always) private static func step(_ h: UInt64, _ byte: UInt8) -> UInt64 {
        (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    @inline(__always) private static func finish(_ h: UInt64, _ n: Int) -> UInt64 {
        var x = h ^ (UInt64(truncatingIfNeeded: n) &* 0x9e37_79b9_7f4a_7c15)
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        return x
    }

    /// The hash of a whole byte sequence (also `StringHashSet`'s).
    @inline(__always)
    static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = seed
        var n = 0
        for b in bytes {
            h = step(h, b)
            n += 1
        }
        return finish(h, n)
    }
}
