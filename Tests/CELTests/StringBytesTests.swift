import Testing
@testable import CEL

@Suite struct StringBytesTests {
    /// `same` (eight bytes at a time, then byte by byte) against a plain comparison, for every length and offset up
    /// to 40 bytes and a difference at every position.
    @Test func sameAgreesWithAPlainComparison() {
        let hay: [UInt8] = (0..<48).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        hay.withUnsafeBufferPointer { a in
            for start in 0..<8 {
                for n in 0...40 where start + n <= hay.count {
                    var needle = Array(hay[start..<(start + n)])
                    needle.withUnsafeBufferPointer { b in #expect(StringBytes.same(a, start, b)) }
                    for flip in 0..<n {
                        needle[flip] ^= 0x20
                        needle.withUnsafeBufferPointer { b in #expect(!StringBytes.same(a, start, b), "n \(n) flip \(flip)") }
                        needle[flip] ^= 0x20
                    }
                }
            }
        }
    }

    @Test func equalComparesBytes() {
        #expect(StringBytes.equal("spiffe://cluster.local/ns/shop/sa/storefront", "spiffe://cluster.local/ns/shop/sa/storefront"))
        #expect(!StringBytes.equal("spiffe://cluster.local/ns/shop/sa/storefront", "spiffe://cluster.local/ns/shop/sa/storefrona"))
        #expect(!StringBytes.equal("caf\u{E9}", "cafe\u{301}"))
    }
}
