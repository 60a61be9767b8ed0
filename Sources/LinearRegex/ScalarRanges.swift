/// A set of Unicode scalar values as sorted, non-overlapping, non-adjacent closed ranges.
struct ScalarRanges: Sendable, Equatable {
    static let maxScalar: UInt32 = 0x10FFFF

    private(set) var ranges: [ClosedRange<UInt32>]

    init() { ranges = [] }

    init(_ ranges: [ClosedRange<UInt32>]) {
        self.ranges = ranges
        normalize()
    }

    var isEmpty: Bool { ranges.isEmpty }

    mutating func add(_ lo: UInt32, _ hi: UInt32) {
        ranges.append(lo...hi)
    }

    mutating func add(_ other: ScalarRanges) {
        ranges.append(contentsOf: other.ranges)
    }

    mutating func normalize() {
        guard ranges.count > 1 else { return }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        merged.reserveCapacity(ranges.count)
        for r in ranges {
            if let last = merged.last, r.lowerBound <= last.upperBound &+ 1 {
                if r.upperBound > last.upperBound {
                    merged[merged.count - 1] = last.lowerBound...r.upperBound
                }
            } else {
                merged.append(r)
            }
        }
        ranges = merged
    }

    func negated() -> ScalarRanges {
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for r in ranges {
            if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
            if r.upperBound >= Self.maxScalar { return ScalarRanges(out) }
            next = r.upperBound + 1
        }
        out.append(next...Self.maxScalar)
        var result = ScalarRanges()
        result.ranges = out
        return result
    }

    func contains(_ c: UInt32) -> Bool {
        var lo = 0
        var hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let r = ranges[mid]
            if c < r.lowerBound {
                hi = mid
            } else if c > r.upperBound {
                lo = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Adds every case variant of every member (simple case folding orbits).
    func caseFolded() -> ScalarRanges {
        var out = self
        for (scalar, orbit) in CaseFolding.orbitMembers where contains(scalar) {
            for other in orbit { out.add(other, other) }
        }
        out.normalize()
        return out
    }
}
