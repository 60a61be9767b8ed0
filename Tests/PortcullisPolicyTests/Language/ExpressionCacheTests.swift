import Testing
@testable import PortcullisPolicy

/// Within one load, an expression written several times is compiled once; every place it is written still gets its
/// own diagnostics and its own location.
@Suite struct ExpressionCacheTests {
    @Test func aRepeatedInvalidConditionIsReportedWhereverItIsWritten() {
        let policy = """
            name: p
            rules:
              - name: a
                action: allow
                when: ["request.method == "]
              - name: b
                action: allow
                when:
                  - request.method == 
            """
        let d = Fixture.diagnostics(["manifest.yaml": Fixture.manifest, "p.yaml": policy])
        #expect(d.count == 2)
        #expect(d.map(\.line) == [5, 9])
        #expect(d.allSatisfy { $0.message.hasPrefix("invalid expression:") })
        #expect(d.map(\.sourceLine) == ["    when: [\"request.method == \"]", "      - request.method == "])
    }

    @Test func aRepeatedConditionWorksInEveryRule() throws {
        let bundle = try Fixture.bundle(
            """
            name: p
            rules:
              - name: get
                action: allow
                to: [{paths: ["/a"]}]
                when: ["request.headers['x-t'] == 'yes'"]
              - name: post
                action: allow
                to: [{paths: ["/b"]}]
                when: ["request.headers['x-t'] == 'yes'"]
            """)
        #expect(bundle.decide(Fixture.request(path: "/a", headers: [("x-t", "yes")])).allowed)
        #expect(bundle.decide(Fixture.request(path: "/b", headers: [("x-t", "yes")])).allowed)
        #expect(!bundle.decide(Fixture.request(path: "/b", headers: [("x-t", "no")])).allowed)
    }

    @Test func aConditionOfTheWrongTypeIsReportedAtEachPlace() {
        let policy = "name: p\nrules:\n  - action: allow\n    when: [request.size + 1]\n  - action: deny\n    when: [request.size + 1]\n"
        let d = Fixture.diagnostics(["manifest.yaml": Fixture.manifest, "p.yaml": policy])
        #expect(d.map(\.line) == [4, 6])
        #expect(d.allSatisfy { $0.message == "a when condition must be a bool expression; this one is int" })
    }
}
