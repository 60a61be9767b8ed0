import Testing
@testable import PortcullisTransport

@Suite struct HealthWireTests {
    private func decode(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { HealthWire.decodeService($0.bytes) }
    }

    @Test func decodesServiceField() {
        #expect(decode([]) == "")
        #expect(decode([0x0A, 0x03, 0x61, 0x62, 0x63]) == "abc")
        // Unknown fields of every wire type are skipped.
        #expect(decode([0x10, 0x96, 0x01, 0x0A, 0x01, 0x7A, 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x25, 1, 2, 3, 4]) == "z")
    }

    @Test(arguments: [
        [0x0A, 0x05, 0x61] as [UInt8],  // length past the end
        [0x0A],  // missing length
        [0x0B],  // wire type 3 (groups) not accepted
        [0x0A, 0x02, 0xC3, 0x28],  // invalid UTF-8
        [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // varint too long
        [0x00, 0x00],  // field number 0
    ])
    func rejectsMalformedRequests(_ bytes: [UInt8]) {
        #expect(decode(bytes) == nil)
    }

    @Test func encodesStatus() {
        #expect(HealthWire.encodeResponse(.serving) == [0x08, 0x01])
        #expect(HealthWire.encodeResponse(.notServing) == [0x08, 0x02])
        #expect(HealthWire.encodeResponse(.serviceUnknown) == [0x08, 0x03])
        #expect(HealthWire.encodeResponse(.unknown) == [])
    }
}
