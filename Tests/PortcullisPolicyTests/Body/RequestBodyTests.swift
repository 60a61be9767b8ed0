import CEL
import PortcullisModel
import Testing
@testable import PortcullisPolicy

/// `request.body` in expressions: parsed by content type, lazily, at most once; failures are evaluation errors.
@Suite struct RequestBodyTests {
    static let policy = """
        name: p
        rules:
          - name: big-order
            action: allow
            when: ["request.body.items.size() >= 2 && request.body.items[0].qty == 2"]
          - name: refuse-flagged
            action: deny
            when: ["request.body.flagged == true"]
        """

    @Test func jsonBodyIsAValueWithIntegersAsInt() throws {
        let b = try Fixture.bundle("""
            name: p
            rules:
              - action: allow
                when:
                  - request.body.items[0].qty + 1 == 3
                  - request.body.price == 9.5
                  - request.body.tags == ['a', 'b']
                  - request.body.nested.ok
                  - type(request.body.items[0].qty) == int
            """)
        let d = b.decide(BodyFixture.request(#"{"items":[{"qty":2}],"price":9.5,"tags":["a","b"],"nested":{"ok":true}}"#))
        #expect(d.allowed, "\(d.errors)")
        #expect(d.errors.isEmpty)
    }

    @Test func formBodyIsAMapOfFirstValues() throws {
        let b = try Fixture.bundle("""
            name: p
            rules:
              - action: allow
                when: ["request.body.user == 'jane doe' && request.body.role == 'a&b'"]
            """)
        let form = "user=jane+doe&role=a%26b&role=ignored"
        #expect(b.decide(BodyFixture.request(form, contentType: "application/x-www-form-urlencoded; charset=utf-8")).allowed)
        #expect(!b.decide(BodyFixture.request("user=john&role=a%26b", contentType: "application/x-www-form-urlencoded")).allowed)
    }

    @Test func vendorJSONMediaTypesAreJSON() throws {
        let b = try Fixture.bundle("name: p\nrules: [{action: allow, when: [\"request.body.a == 1\"]}]\n")
        #expect(b.decide(BodyFixture.request(#"{"a":1}"#, contentType: "application/merge-patch+json")).allowed)
        #expect(b.decide(BodyFixture.request(#"{"a":1}"#, contentType: "Application/JSON; charset=utf-8")).allowed)
    }

    @Test(arguments: [
        (#"{"a":1"#, "application/json", "invalid JSON at byte 6: unexpected end of input"),
        (#"{"a":1,"a":2}"#, "application/json", "duplicate object key"),
        (#"{"a":1}"#, "text/plain", "content-type \"text/plain\" is not read"),
        (#"{"a":1}"#, nil, "the request body has no content-type"),
        ("", nil, "the request has no body"),
        ("a=%zz", "application/x-www-form-urlencoded", "invalid form body"),
    ] as [(String, String?, String)])
    func unreadableBodyIsAnErrorThatFailsClosed(body: String, contentType: String?, reason: String) throws {
        let b = try Fixture.bundle(Self.policy)
        let d = b.decide(BodyFixture.request(body, contentType: contentType))
        // The allow rule cannot match, and the deny rule that reads the body matches (fail closed).
        #expect(!d.allowed)
        #expect(d.rules == ["refuse-flagged"])
        #expect(d.errors.count == 2)
        #expect(d.errors.allSatisfy { $0.contains(reason) }, "\(d.errors)")
    }

    @Test func tooDeepJSONIsRefused() throws {
        let b = try Fixture.bundle("name: p\nrules: [{action: allow, when: [\"has(request.body.a)\"]}]\n")
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let d = b.decide(BodyFixture.request(#"{"a":"# + deep + "}"))
        #expect(!d.allowed)
        #expect(d.errors.first?.contains("nesting deeper than 64") == true, "\(d.errors)")
    }

    @Test func contentEncodedBodiesAreNotRead() throws {
        let b = try Fixture.bundle("name: p\nrules: [{action: allow, when: [\"request.body.a == 1\"]}]\n")
        let d = b.decide(BodyFixture.request(#"{"a":1}"#, headers: [("content-encoding", "gzip")]))
        #expect(!d.allowed)
        #expect(d.errors.first?.contains("content-encoding \"gzip\"") == true)
        #expect(b.decide(BodyFixture.request(#"{"a":1}"#, headers: [("content-encoding", "identity")])).allowed)
    }

    @Test func rawBodyIsTheTextAsSent() throws {
        let b = try Fixture.bundle("name: p\nrules: [{action: allow, when: [\"request.raw_body == 'not json'\"]}]\n")
        #expect(b.decide(BodyFixture.request("not json", contentType: nil)).allowed)
        var raw = BodyFixture.request("", contentType: nil)
        raw.http?.rawBody = Array("not json".utf8)
        #expect(b.decide(raw).allowed)
    }

    @Test func theBodyIsParsedOnlyWhenReadAndAtMostOnce() throws {
        let b = try Fixture.bundle(Self.policy)
        let request = BodyFixture.request(#"{"items":[{"qty":2},{"qty":1}],"flagged":false}"#)
        let activation = RequestActivation(facts: RequestFacts(request), table: b.table, data: b.data)
        #expect(activation.body.parses == 0)
        for rule in b.rules { _ = b.match(rule, facts: activation.facts, activation: activation) }
        #expect(activation.body.parses == 1)
        #expect(b.decide(request).allowed)

        let untouched = try Fixture.bundle("name: p\nrules: [{action: allow, to: [{methods: [POST]}]}]\n")
        let other = RequestActivation(facts: RequestFacts(request), table: untouched.table, data: untouched.data)
        for rule in untouched.rules { _ = untouched.match(rule, facts: other.facts, activation: other) }
        #expect(other.body.parses == 0)
    }

    @Test func bodyOfACheckWithoutHTTPIsUnbound() throws {
        let b = try Fixture.bundle("name: p\nrules: [{action: allow, when: [\"has(request.body.a)\"]}]\n")
        let d = b.decide(AuthzRequest())
        #expect(!d.allowed)
        #expect(d.errors.count == 1)
    }
}
