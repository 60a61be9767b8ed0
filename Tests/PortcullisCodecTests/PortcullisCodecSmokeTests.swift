import Testing
@testable import PortcullisCodec

@Test func PortcullisCodecModuleLinks() {
    #expect(Bool(true))
}
