/// Items filed under a 64-bit key hash: open addressing with linear probing, the hash itself as the slot
/// index. The keys are already well-mixed hashes, so hashing them again (as `Dictionary` does, with SipHash)
/// would only cost time on every look-up.
struct HashedItems: Sendable {
    /// 0 = empty; a hash of 0 is stored as 1 (a collision only adds candidates, which matching rejects).
    private var keys: [UInt64] = []
    private var items: [[Int32]] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ hash: UInt64, _ item: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        let key = hash == 0 ? 1 : hash
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: key) & mask
        while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
        if keys[i] == 0 {
            keys[i] = key
            count += 1
        }
        items[i].append(item)
    }

    /// Appends the items filed under `hash` to `out`.
    @inline(__always)
    func collect(_ hash: UInt64, into out: inout [Int32]) {
        guard count > 0 else { return }
        let key = hash == 0 ? 1 : hash
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = keys[i]
            if k == key {
                out.append(contentsOf: items[i])
                return
            }
            if k == 0 { return }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldItems = items
        let capacity = max(8, keys.count * 2)
        keys = Array(repeating: 0, count: capacity)
        items = Array(repeating: [], count: capacity)
        count = 0
        let mask = capacity - 1
        for (j, key) in oldKeys.enumerated() where key != 0 {
            var i = Int(truncatingIfNeeded: key) & mask
            while keys[i] != 0 { i = (i + 1) & mask }
            keys[i] = key
            items[i] = oldItems[j]
            count += 1
        }
    }
}
