/// Items keyed by literals a string must equal, start with or end with. Keys are stored by a 64-bit hash, so a
/// look-up scans the value once and probes only the lengths at which some key exists; a hash collision only adds
/// a candidate, which full matching then rejects.
///
/// A class so that a look-up reads the tables in place (a struct of dictionaries is copied, and every one
/// retained, on each read out of an array). Filled by `add` while its `CandidateIndex` is built, then only read:
/// the bundle that owns it is immutable once compiled.
final class KeyIndex: @unchecked Sendable {
    private var exact: [UInt64: [Int32]] = [:]
    private var prefix: [UInt64: [Int32]] = [:]
    private var suffix: [UInt64: [Int32]] = [:]
    /// Sorted distinct key lengths.
    private var prefixLengths: [Int] = []
    private var suffixLengths: [Int] = []

    var isEmpty: Bool { exact.isEmpty && prefix.isEmpty && suffix.isEmpty }

    func add(_ key: IndexKey, item: Int32) {
        switch key {
        case .exact(let s):
            exact[Self.hash(s.utf8), default: []].append(item)
        case .prefix(let s):
            prefix[Self.hash(s.utf8), default: []].append(item)
            Self.insertLength(s.utf8.count, into: &prefixLengths)
        case .suffix(let s):
            suffix[Self.hash(s.utf8.reversed()), default: []].append(item)
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

    func lookup<S: StringProtocol>(_ value: S, into out: inout [Int32]) {
        let utf8 = value.utf8
        if let hit = exact[Self.hash(utf8)] { out.append(contentsOf: hit) }
        let count = utf8.count
        if !prefixLengths.isEmpty {
            var h = Self.seed
            var n = 0
            var next = 0
            for byte in utf8 {
                guard next < prefixLengths.count else { break }
                h = Self.step(h, byte)
                n += 1
                if n == prefixLengths[next] {
                    if let hit = prefix[Self.finish(h, n)] { out.append(contentsOf: hit) }
                    next += 1
                }
            }
        }
        if !suffixLengths.isEmpty {
            var h = Self.seed
            var n = 0
            var next = 0
            for byte in utf8.reversed() {
                guard next < suffixLengths.count, n < count else { break }
                h = Self.step(h, byte)
                n += 1
                if n == suffixLengths[next] {
                    if let hit = suffix[Self.finish(h, n)] { out.append(contentsOf: hit) }
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

    private static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = seed
        var n = 0
        for b in bytes {
            h = step(h, b)
            n += 1
        }
        return finish(h, n)
    }
}
