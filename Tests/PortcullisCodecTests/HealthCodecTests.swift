import Testing

@testable import PortcullisCodec

@Suite struct HealthCodecTests {
    @Test(arguments: ["", "envoy.service.auth.v3.Authorization", "ü"])
    func requestRoundTrips(service: String) throws {
        #expect(try HealthCodec.decodeRequest(bytes: HealthCodec.encodeRequest(service: service)) == service)
    }

    @Test func emptyPayloadIsTheWholeServer() throws {
        #expect(try HealthCodec.decodeRequest(bytes: [UInt8]()) == "")
    }

    @Test(arguments: [HealthServingStatus.unknown, .serving, .notServing, .serviceUnknown])
    func responseRoundTrips(status: HealthServingStatus) throws {
        #expect(try HealthCodec.decodeResponse(bytes: HealthCodec.encodeResponse(status)) == status)
    }

    @Test func wireValues() {
        #expect(HealthCodec.encodeResponse(.serving) == [0x08, 0x01])
        #expect(HealthCodec.encodeResponse(.notServing) == [0x08, 0x02])
        #expect(HealthCodec.encodeResponse(.serviceUnknown) == [0x08, 0x03])
        #expect(HealthCodec.encodeRequest(service: "a") == [0x0A, 0x01, 0x61])
    }

    @Test func malformedThrows() {
        #expect(throws: CodecError.self) { try HealthCodec.decodeRequest(bytes: [0x0A, 0x05, 0x61]) }
        #expect(throws: CodecError.self) { try HealthCodec.decodeResponse(bytes: [0x08]) }
    }
}
