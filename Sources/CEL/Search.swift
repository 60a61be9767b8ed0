/// Linear-time substring search (Knuth–Morris–Pratt), so that `contains`, `indexOf`, `split` and `replace` on
/// request-sized inputs cannot be driven into quadratic time by a crafted needle.
struct Search<T: Equatable> {
    let needle: [T]
    private let failure: [Int]

    init(_ needle: [T]) {
        self.needle = needle
        var f = [Int](repeating: 0, count: needle.count)
        var k = 0
        var i = 1
        while i < needle.count {
            while k > 0 && needle[i] != needle[k] { k = f[k - 1] }
            if needle[i] == needle[k] { k += 1 }
            f[i] = k
            i += 1
        }
        failure = f
    }

    /// The first index ≥ `from` where the needle starts in `hay`, or nil. An empty needle matches at `from`.
    func first(in hay: [T], from: Int = 0) -> Int? {
        if needle.isEmpty { return from <= hay.count ? from : nil }
        var k = 0
        var i = max(0, from)
        while i < hay.count {
            while k > 0 && hay[i] != needle[k] { k = failure[k - 1] }
            if hay[i] == needle[k] { k += 1 }
            if k == needle.count { return i - k + 1 }
            i += 1
        }
        return nil
    }

    /// Every non-overlapping match start, left to right, at most `limit` of them (negative: no limit).
    func all(in hay: [T], limit: Int = -1) -> [Int] {
        var out: [Int] = []
        var from = 0
        while limit < 0 || out.count < limit, let p = first(in: hay, from: from) {
            out.append(p)
            from = p + max(needle.count, 1)
            if from > hay.count { break }
        }
        return out
    }
}
