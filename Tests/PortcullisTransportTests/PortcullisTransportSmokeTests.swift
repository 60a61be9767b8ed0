import Testing
@testable import PortcullisTransport

@Test func PortcullisTransportModuleLinks() {
    #expect(Bool(true))
}
