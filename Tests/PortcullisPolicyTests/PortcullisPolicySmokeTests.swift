import Testing
@testable import PortcullisPolicy

@Test func PortcullisPolicyModuleLinks() {
    #expect(Bool(true))
}
