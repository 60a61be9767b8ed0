import Testing
@testable import PortcullisOps

@Test func PortcullisOpsModuleLinks() {
    #expect(Bool(true))
}
