import Testing

@testable import PortcullisCodec

@Suite struct ArenaTests {
    @Test func allocationsAreAlignedAndDistinct() {
        let a = Arena()
        let p = a.allocate(3)
        let q = a.allocate(1)
        #expect(Int(bitPattern: p) % Arena.alignment == 0)
        #expect(Int(bitPattern: q) % Arena.alignment == 0)
        #expect(q - p == 16)
        #expect(a.bytesInUse == 32)
    }

    @Test func growsThenSettlesIntoOneBlock() {
        let a = Arena()
        var pointers: [UnsafeMutablePointer<UInt64>] = []
        for i in 0..<5000 {
            let p = a.make(UInt64.self)
            p.pointee = UInt64(i)
            pointers.append(p)
        }
        // Values written into earlier blocks survive growth.
        #expect(pointers.enumerated().allSatisfy { $0.element.pointee == UInt64($0.offset) })
        #expect(a.bytesInUse == 5000 * 16)
        a.reset()
        #expect(a.bytesInUse == 0)
        #expect(a.blockCapacity >= 5000 * 16)
        let capacity = a.blockCapacity
        for _ in 0..<5000 { _ = a.make(UInt64.self) }
        a.reset()
        #expect(a.blockCapacity == capacity)  // no further growth once it fits
    }

    @Test func releasesBlocksBeyondTheRetainLimit() {
        let a = Arena()
        _ = a.allocate(Arena.retainLimit * 2)
        a.reset()
        #expect(a.blockCapacity == Arena.initialCapacity)
    }

    @Test func cStringsAndBinaryAreCopies() {
        let a = Arena()
        let s = a.cString("héllo")
        #expect(String(cString: s) == "héllo")
        let b = a.binary([1, 2, 3])
        #expect(b.len == 3)
        #expect(Array(UnsafeBufferPointer(start: b.data, count: b.len)) == [1, 2, 3])
        #expect(a.binary([]).len == 0)
    }
}
