/// A set of small integers (0..<capacity) with O(1) insert, membership and clear, iterated in insertion
/// order. Storage is allocated once; the hot loops of the NFA avoid copy-on-write and bounds checks.
final class SparseSet {
    private let dense: UnsafeMutablePointer<Int32>
    private let sparse: UnsafeMutablePointer<Int32>
    let capacity: Int
    @exclusivity(unchecked) private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        dense = .allocate(capacity: self.capacity)
        sparse = .allocate(capacity: self.capacity)
        dense.initialize(repeating: 0, count: self.capacity)
        sparse.initialize(repeating: 0, count: self.capacity)
    }

    deinit {
        dense.deallocate()
        sparse.deallocate()
    }

    @inline(__always)
    func contains(_ x: Int32) -> Bool {
        let i = Int(sparse[Int(x)])
        return i < count && dense[i] == x
    }

    /// Inserts `x` (which must be < capacity); false when it was already present.
    @inline(__always)
    @discardableResult
    func insert(_ x: Int32) -> Bool {
        precondition(x >= 0 && Int(x) < capacity)
        if contains(x) { return false }
        dense[count] = x
        sparse[Int(x)] = Int32(count)
        count += 1
        return true
    }

    @inline(__always)
    func removeAll() { count = 0 }

    @inline(__always)
    subscript(i: Int) -> Int32 { dense[i] }

    /// The members, sorted.
    func sortedMembers() -> [Int32] {
        var out = (0..<count).map { dense[$0] }
        out.sort()
        return out
    }
}
