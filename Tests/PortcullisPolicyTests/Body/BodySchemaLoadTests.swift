import Testing
@testable import PortcullisPolicy

/// A body schema is compiled when the bundle loads; a bad one is a load error pointing into its file.
@Suite struct BodySchemaLoadTests {
    static let rule = "name: p\nrules:\n  - action: allow\n    body_schema: schemas/order.json\n"

    static func diagnostics(_ schema: String?, policy: String = rule) -> [String] {
        var files = ["manifest.yaml": Fixture.manifest, "policies.yaml": policy]
        if let schema { files["schemas/order.json"] = schema }
        return Fixture.diagnostics(files).map { "\($0.file):\($0.line):\($0.column): \($0.message)" }
    }

    @Test func missingSchemaFileIsReportedAtTheRule() {
        #expect(Self.diagnostics(nil) == [
            "policies.yaml:4:18: body_schema \"schemas/order.json\" is not a file in the bundle"
        ])
    }

    @Test func schemaThatIsNotJSONIsReportedWhereItBreaks() {
        #expect(Self.diagnostics("{\n  \"type\": \"object\",\n  \"required\": [\"a\",]\n}\n") == [
            "schemas/order.json:3:20: a body schema must be JSON: invalid JSON at byte 41: unexpected character ']'"
        ])
    }

    @Test func unsupportedKeywordIsReportedAtItsPlace() {
        let schema = """
            {
              "type": "object",
              "properties": {
                "qty": {"type": "integer", "minimum": "one"},
                "sku": {"type": "string", "pattern": "(unclosed"}
              }
            }
            """
        #expect(Self.diagnostics(schema) == [
            "schemas/order.json:4:43: invalid JSON Schema at /properties/qty/minimum: must be a number"
        ])
        let bad = Self.diagnostics("{\"type\": \"object\",\n \"prefixItems\": []}")
        #expect(bad == ["schemas/order.json:2:17: invalid JSON Schema at /prefixItems: unsupported keyword \"prefixItems\""])
    }

    @Test func diagnosticShowsTheSchemaLine() throws {
        let d = Fixture.diagnostics([
            "manifest.yaml": Fixture.manifest, "policies.yaml": Self.rule,
            "schemas/order.json": "{\n  \"type\": \"strin\"\n}",
        ])
        #expect(d.count == 1)
        #expect(d.first?.sourceLine == "  \"type\": \"strin\"")
        #expect(d.first?.description.hasPrefix("schemas/order.json:2:11: error: invalid JSON Schema at /type: unknown type \"strin\"") == true)
    }

    @Test func brokenSchemaNoRuleNamesStillFailsTheLoad() {
        let d = Self.diagnostics("{\"type\": 7}", policy: "name: p\nrules: [{action: allow}]\n")
        #expect(d.count == 1)
        #expect(d.first?.hasPrefix("schemas/order.json:1:10: invalid JSON Schema at /type") == true)
    }

    @Test func pathsOutsideTheBundleAreRefused() {
        let d = Self.diagnostics("{}", policy: "name: p\nrules:\n  - action: allow\n    body_schema: ../etc/passwd\n")
        #expect(d == ["policies.yaml:4:18: body_schema: path \"../etc/passwd\" escapes the bundle"])
    }

    @Test func bodySchemaMustBeAString() {
        let d = Self.diagnostics("{}", policy: "name: p\nrules:\n  - action: allow\n    body_schema: [a, b]\n")
        #expect(d.count == 1)
        #expect(d.first?.contains("body_schema must be a string") == true)
    }
}
