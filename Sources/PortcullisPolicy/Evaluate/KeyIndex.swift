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
            exact.append(Self.hash(s), item)
        case .prefix(let s):
            prefix.append(Self.hash(s), item)
            Self.insertLength(s.utf8.count, into: &prefixLengths)
        case .suffix(let s):
            suffix.append(Self.reversedHash(s.utf8.reversed()), item)
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

    /// One pass over the bytes per kind of key: the whole value, its prefixes and its suffixes of the lengths
    /// some key has.
    func lookup(bytes: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        let count = bytes.count
        if !exact.isEmpty { exact.collect(Self.hash(bytes), into: &out) }
        if !prefixLengths.isEmpty {
            // The hash of each prefix continues from the words of the shorter ones.
            var h = Self.seed
            var words = 0
            for next in prefixLengths.indices {
                let n = prefixLengths[next]
                if n > count { break }
                let full = n &>> 3
                while words < full {
                    h = Self.mix(h, Self.word(bytes, words &<< 3))
                    words &+= 1
                }
                prefix.collect(Self.finish(h, Self.tail(bytes, full &<< 3, n), n), into: &out)
            }
        }
        if !suffixLengths.isEmpty {
            var h = Self.fnvSeed
            var n = 0
            var next = 0
            while next < suffixLengths.count, n < count {
                h = Self.fnvStep(h, bytes[count - 1 - n])
                n += 1
                if n == suffixLengths[next] {
                    suffix.collect(Self.fnvFinish(h, n), into: &out)
                    next += 1
                }
            }
        }
    }

    // Prefix and exact keys: eight bytes at a time (little-endian words), the last partial word and the length mixed
    // in at the end. Prefixes of a value share the words before their last one, so a look-up hashes each byte once.
    private static let seed: UInt64 = 0x243f_6a88_85a3_08d3

    @inline(__always) private static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
        let x = (h ^ w) &* 0x9e37_79b9_7f4a_7c15
        return (x &<< 31) | (x &>> 33)
    }

    @inline(__always) private static func word(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(b.baseAddress.unsafelyUnwrapped + at).loadUnaligned(as: UInt64.self))
    }

    /// Bytes `from..<to` (fewer than eight) as one little-endian word.
    @inline(__always) private static func tail(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> UInt64 {
        var w: UInt64 = 0
        var i = to
        while i > from {
            i &-= 1
            w = (w &<< 8) | UInt64(b[i])
        }
        return w
    }

    @inline(__always) private static func finish(_ h: UInt64, _ tail: UInt64, _ n: Int) -> UInt64 {
        var x = mix(h, tail) ^ (UInt64(truncatingIfNeeded: n) &* 0xc2b2_ae3d_27d4_eb4f)
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x = x &* 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }

    /// The hash of a whole byte sequence (also `StringHashSet`'s).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        let full = n &>> 3
        var h = seed
        var i = 0
        while i < full {
            h = mix(h, word(bytes, i &<< 3))
            i &+= 1
        }
        return finish(h, tail(bytes, full &<< 3, n), n)
    }

    static func hash(_ s: String) -> UInt64 {
        StringBytes.withBytes(s) { hash($0) }
    }

    // Suffix keys: FNV-1a over the bytes from the end, finished with the length and a final mix.
    private static let fnvSeed: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always) private static func fnvStep(_ h: UInt64, _ byte: UInt8) -> UInt64 {
        (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    @inline(__always) private static func fnvFinish(_ h: UInt64, _ n: Int) -> UInt64 {
        var x = h ^ (UInt64(truncatingIfNeeded: n) &* 0x9e37_79b9_7f4a_7c15)
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        return x
    }

    private static func reversedHash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = fnvSeed
        var n = 0
        for b in bytes {
            h = fnvStep(h, b)
            n += 1
        }
        return fnvFinish(h, n)
    }
}
