/// A set of small integers with O(1) insert, membership and clear, iterated in insertion order.
struct SparseSet {
    private(set) var dense: [Int32]
    private var sparse: [Int32]
    private(set) var count = 0

    init(capacity: Int) {
        dense = Array(repeating: 0, count: capacity)
        sparse = Array(repeating: 0, count: capacity)
    }

    @inline(__always)
    func contains(_ x: Int32) -> Bool {
        let i = Int(sparse[Int(x)])
        return i < count && dense[i] == x
    }

    /// Inserts `x`; false when it was already present.
    @inline(__always)
    @discardableResult
    mutating func insert(_ x: Int32) -> Bool {
        if contains(x) { return false }
        dense[count] = x
        sparse[Int(x)] = Int32(count)
        count += 1
        return true
    }

    @inline(__always)
    mutating func removeAll() { count = 0 }

    @inline(__always)
    subscript(i: Int) -> Int32 { dense[i] }
}
