import Foundation
import PortcullisModel
import Testing
@testable import PortcullisPolicy

@Suite struct ExampleBundleTests {
    static var examplePath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("policies").path
    }

    @Test func exampleBundleLoadsAndItsTestsPass() throws {
        let bundle = try BundleLoader.load(path: Self.examplePath)
        #expect(bundle.name == "shop-mesh")
        #expect(bundle.tests.count >= 10)
        for result in bundle.runTests() {
            #expect(result.passed, "\(result.test.name): \(result.failures)")
        }
        #expect(BundleLoader.lint(path: Self.examplePath).allSatisfy { $0.severity == .warning })
    }

    @Test func failingTestsReportWhy() throws {
        let b = try Fixture.bundle(
            "name: p\nrules: [{name: r, action: allow, to: [{methods: [GET]}]}]\n",
            files: [
                "tests/t.yaml": """
                tests:
                  - name: wrong
                    request: {method: POST}
                    expect: {allow: true, status: 200, headers: {x-a: b}}
                """
            ])
        let results = b.runTests()
        #expect(results.count == 1)
        #expect(results.first?.passed == false)
        #expect(results.first?.failures == [
            "expected allow, got deny by policy p", "expected status 200, got 403", "expected header x-a: \"b\", got none",
        ])
    }

    @Test func badTestFilesAreDiagnosed() {
        let d = Fixture.diagnostics([
            "manifest.yaml": Fixture.manifest,
            "p.yaml": "name: p\n",
            "tests/t.yaml": "tests:\n  - name: x\n    request: {method: GET, bogus: 1}\n    expect: {allow: true}\n  - name: y\n    request: {}\n",
        ])
        #expect(d.map(\.message) == ["invalid request: unknown request field \"bogus\"", "test \"y\" has no \"expect\""])
        #expect(d.map(\.line) == [3, 5])
    }

    @Test func explainListsOfferedRulesAndFirstFailingPart() throws {
        let b = try Fixture.bundle("""
            name: p
            rules:
              - {name: a, action: allow, to: [{paths: ["/x/*"], methods: [POST]}]}
              - {name: b, action: allow, to: [{paths: ["/y"]}]}
              - {name: c, action: deny, when: ["request.headers['x-missing'] == 'y'"]}
            """)
        let e = b.explain(Fixture.request(method: "GET", path: "/x/1"))
        #expect(!e.decision.allowed)
        let rules = e.entries.filter { $0.rule != nil }
        #expect(rules.map(\.rule) == ["a", "c"])  // b is not offered: its path cannot match
        #expect(rules.first?.outcome == .failed("to.methods"))
        if case .error(let why)? = rules.last?.outcome {
            #expect(why.hasPrefix("when[0]: request.headers['x-missing'] == 'y'"))
        } else {
            Issue.record("expected an evaluation error for rule c")
        }
    }

    @Test func requestDocumentsInAllThreeForms() throws {
        let shorthand = try RequestDocument.parse(Array(#"{"method":"PUT","path":"/a?b=1","headers":{"X-A":"1"},"source":{"principal":"p","port":7}}"#.utf8))
        #expect(shorthand.http?.method == "PUT")
        #expect(shorthand.http?.headers.first("x-a") == "1")
        #expect(shorthand.source.port == 7)
        let proto = try RequestDocument.parse(Array(#"{"attributes":{"request":{"http":{"method":"GET","path":"/z"}}}}"#.utf8))
        #expect(proto.http?.path == "/z")
        let opa = try RequestDocument.parse(Array(#"{"input":{"attributes":{"request":{"http":{"method":"HEAD"}}}}}"#.utf8))
        #expect(opa.http?.method == "HEAD")
        #expect(throws: RequestDocument.Failure.self) { try RequestDocument.parse(Array("[1]".utf8)) }
        #expect(throws: RequestDocument.Failure.self) { try RequestDocument.parse(Array("{\"method\": 1}".utf8)) }
    }
}
