import Testing
@testable import CELSupport

@Test func CELSupportModuleLinks() {
    #expect(Bool(true))
}
