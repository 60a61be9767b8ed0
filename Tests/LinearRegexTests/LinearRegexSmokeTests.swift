import Testing
@testable import LinearRegex

@Test func LinearRegexModuleLinks() {
    #expect(Bool(true))
}
