import Testing
@testable import JSONSchema

@Test func JSONSchemaModuleLinks() {
    #expect(Bool(true))
}
