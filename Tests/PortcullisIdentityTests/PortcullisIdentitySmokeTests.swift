import Testing
@testable import PortcullisIdentity

@Test func PortcullisIdentityModuleLinks() {
    #expect(Bool(true))
}
