import Testing
@testable import PortcullisPolicy

/// Golden tests: every problem is reported at once, as `file:line:column: severity: message` with the line.
@Suite struct DiagnosticGoldenTests {
    @Test func schemaErrorsAreAllReportedWithTheirLines() {
        let policy = """
            name: shop
            default: maybe
            rules:
              - name: r1
                action: allow
                form: [{principals: [a]}]
              - name: r2
                action: permit
                to: [{paths: ["/a/*/b"], methods: []}]
              - action: deny
                when: ["request.method == "]
            """
        let d = Fixture.diagnostics(["manifest.yaml": Fixture.manifest, "shop.yaml": policy])
        let text = d.map(\.description).joined(separator: "\n")
        let expected = """
            shop.yaml:2:10: error: default must be "allow" or "deny", not "maybe"
                default: maybe
                         ^
            shop.yaml:6:5: error: unknown field "form" in rule (did you mean "from"?)
                    form: [{principals: [a]}]
                    ^
            shop.yaml:8:13: error: action must be allow, deny or audit, not "permit"
                    action: permit
                            ^
            shop.yaml:9:20: error: "*" may only start or end a path; use a template such as /a/{*}/b for a segment
                    to: [{paths: ["/a/*/b"], methods: []}]
                                   ^
            shop.yaml:9:39: error: methods is an empty list, which matches nothing; remove the field instead
                    to: [{paths: ["/a/*/b"], methods: []}]
                                                      ^
            """
        #expect(text.hasPrefix(expected))
        #expect(d.count == 6)
        let cel = d.last
        #expect(cel?.file == "shop.yaml")
        #expect(cel?.line == 11)
        #expect(cel?.message.hasPrefix("invalid expression:") == true)
        #expect(cel?.sourceLine == "    when: [\"request.method == \"]")
    }

    @Test func celErrorPositionPointsIntoTheExpression() {
        let policy = """
            name: p
            rules:
              - action: allow
                when:
                  - request.method == 'GET' && requst.path == '/'
            """
        let d = Fixture.diagnostics(["manifest.yaml": Fixture.manifest, "p.yaml": policy])
        #expect(d.count == 1)
        #expect(d.first?.line == 5)
        #expect(d.first?.column == 36)  // the start of `requst`
        #expect(d.first?.message.contains("requst") == true)
    }

    @Test func nonBoolConditionIsRejected() {
        let d = Fixture.diagnostics([
            "manifest.yaml": Fixture.manifest,
            "p.yaml": "name: p\nrules:\n  - action: allow\n    when: [request.size + 1]\n",
        ])
        #expect(d.map(\.description) == [
            "p.yaml:4:12: error: a when condition must be a bool expression; this one is int\n        when: [request.size + 1]\n               ^"
        ])
    }

    @Test func yamlSyntaxErrorHasPosition() {
        let d = Fixture.diagnostics(["manifest.yaml": Fixture.manifest, "p.yaml": "name: p\nrules: [\n  - action: allow\n"])
        #expect(d.count == 1)
        #expect(d.first?.file == "p.yaml")
        #expect((d.first?.line ?? 0) > 0)
        #expect(d.first?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func duplicatePolicyAndRuleNamesAndMissingManifest() {
        let d = Fixture.diagnostics([
            "a.yaml": "name: p\nrules: [{name: x, action: allow}, {name: x, action: deny}]\n",
            "b.yaml": "name: p\n",
        ])
        let messages = d.map(\.message)
        #expect(messages.contains("the bundle has no manifest.yaml"))
        #expect(messages.contains("policy name \"p\" is already used at a.yaml:1"))
        #expect(messages.contains { $0.hasPrefix("rule name \"x\" is used twice") })
    }

    @Test func badValuesInFromAndTo() {
        let d = Fixture.diagnostics([
            "manifest.yaml": Fixture.manifest,
            "p.yaml": """
                name: p
                rules:
                  - action: allow
                    from: [{ip_blocks: [10.0.0.0/33], principals: [""]}]
                    to: [{ports: ["http"], hosts: ["a.*.com"]}]
                """,
        ])
        #expect(d.map(\.message).sorted() == [
            "\"10.0.0.0/33\" is not an IP address or CIDR block",
            "\"http\" is not a port (1-65535)",
            "a host may only start or end with \"*\" (as in *.example.com or api.*)",
            "each of principals must not be empty",
        ])
    }

    @Test func warningsDoNotRefuseTheBundle() throws {
        let b = try Fixture.bundle("name: open\ndefault: allow\n")
        #expect(b.warnings.count == 1)
        #expect(b.warnings.first?.severity == .warning)
        #expect(b.warnings.first?.description.hasPrefix("policies.yaml:1:1: warning: policy \"open\" has no selector") == true)
    }
}
