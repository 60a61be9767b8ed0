import Testing

@testable import PortcullisIdentity

@Suite struct Base64URLTests {
    @Test func roundTrips() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.encode(Array("??>".utf8)) == "Pz8-")
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    @Test(arguments: ["Pz8+", "Pz8/", "Pz8=", "Pz 8", "A", "AB=", "Pz9", "YR"])
    func rejectsNonCanonical(_ text: String) {
        // "+", "/", padding, spaces, impossible length, and non-zero trailing bits ("Pz9" vs "Pz8").
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func sha256AndConstantTime() throws {
        let d = SHA256Digest(of: "abc")
        #expect(d.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest(hex: d.hex.uppercased()) == d)
        #expect(SHA256Digest(hex: "xyz") == nil)
        #expect(d.constantTimeEquals(SHA256Digest(of: "abc")))
        #expect(!d.constantTimeEquals(SHA256Digest(of: "abd")))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
    }

    @Test func hmacKnownAnswer() throws {
        // RFC 4231 test case 2.
        let mac = try #require(HMAC.mac(Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8), algorithm: .hs256))
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMAC.mac([1], key: [1], algorithm: .rs256) == nil)
    }
}
