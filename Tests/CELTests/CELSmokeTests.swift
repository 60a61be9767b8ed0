import Testing
@testable import CEL

@Test func CELModuleLinks() {
    #expect(Bool(true))
}
