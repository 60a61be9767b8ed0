/// Maps a request to the items (rules, or policies by their selectors) that can match it. Each item is filed
/// under one dimension it always constrains, by the literals of that constraint; an item no dimension
/// constrains is always a candidate. The result is a superset of the matching items, sorted and unique.
struct CandidateIndex: Sendable {
    private let tables: [KeyIndex] = (0..<IndexDimension.count).map { _ in KeyIndex() }
    private(set) var always: [Int32] = []
    private(set) var itemCount = 0
    /// Bit `slot` set when that dimension's table has keys: a look-up skips the others without touching them.
    private var filled: UInt32 = 0

    /// Files an item under the most selective of the dimensions offered (each with the keys of its tests).
    mutating func add(item: Int32, options: [(dimension: IndexDimension, keys: [IndexKey])]) {
        itemCount += 1
        guard let best = options.min(by: { $0.dimension.preference < $1.dimension.preference }) else {
            always.append(item)
            return
        }
        for key in best.keys { tables[best.dimension.slot].add(key, item: item) }
        if !best.keys.isEmpty { filled |= 1 << UInt32(best.dimension.slot) }
    }

    func candidates(_ facts: RequestFacts) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(always.count + 8)
        candidates(facts, into: &out)
        return out
    }

    /// Appends the candidates to `out`, sorted and unique among themselves, leaving what `out` held before as it
    /// was: one buffer, reserved once, holds a decision's policies and then its rules.
    func candidates(_ facts: RequestFacts, into out: inout [Int32]) {
        let start = out.count
        out.append(contentsOf: always)
        var rest = filled
        tables.withUnsafeBufferPointer { tables in
            while rest != 0 {
                let slot = rest.trailingZeroBitCount
                rest &= rest - 1
                // Read in place, without retaining the table (the index, held by the bundle, outlives the call).
                Unmanaged.passUnretained(tables[slot])._withUnsafeGuaranteedRef { table in
                    switch slot {
                    case IndexDimension.path.slot:
                        facts.withURLPath { table.lookup(bytes: $0, into: &out) }
                    case IndexDimension.port.slot:
                        table.lookup(facts.portText, into: &out)
                    case IndexDimension.contextExtension.slot:
                        for (key, value) in facts.request.contextExtensions { table.lookup(key + "\u{0}" + value, into: &out) }
                    default:
                        facts.withString(StringAttribute(rawValue: slot)!) { table.lookup(bytes: $0, into: &out) }
                    }
                }
            }
        }
        guard out.count - start > 1 else { return }
        let kept = out.withUnsafeMutableBufferPointer { all in
            var tail = UnsafeMutableBufferPointer(rebasing: all[start...])
            tail.sort()
            var w = 1
            for r in 1..<tail.count where tail[r] != tail[w - 1] {
                tail[w] = tail[r]
                w += 1
            }
            return start + w
        }
        out.removeLast(out.count - kept)
    }

    /// The dimensions an item can be filed under: those on which every alternative has a positive, indexable test.
    /// `alternatives` are ANDed groups of which at least one must match for the item to match.
    static func options(alternatives: [FieldGroup]) -> [(dimension: IndexDimension, keys: [IndexKey])] {
        guard let first = alternatives.first else { return [] }
        var result: [(dimension: IndexDimension, keys: [IndexKey])] = []
        for test in first.tests {
            guard let entry = test.indexEntry else { continue }
            var keys = entry.keys
            var ok = true
            for other in alternatives.dropFirst() {
                let match = other.tests.compactMap(\.indexEntry).first { $0.dimension == entry.dimension }
                guard let match else {
                    ok = false
                    break
                }
                keys += match.keys
            }
            if ok { result.append((entry.dimension, keys)) }
        }
        return result
    }
}
