import PortcullisModel
import Testing
@testable import PortcullisPolicy

/// `request.headers["name"]`, `request.headers.name` and `"name" in request.headers` are answered from the
/// request's header list without building the header map: they must agree with the map itself (reached here
/// through a list, `[request.headers][0]`, which the short cut does not apply to).
@Suite struct HeaderLookupTests {
    static let headerSets: [[(String, String)]] = [
        [],
        [("accept", "text/html")],
        [("x-tenant", "acme"), ("accept", "a"), ("x-tenant", "beta")],
        [("X-Tenant", "upper"), ("x-tenant-2", "other")],
        [("accept", ""), ("accept", "b")],
    ]

    static func bundle(_ condition: String) throws -> CompiledBundle {
        try Fixture.conditionBundle(condition)
    }

    @Test(arguments: ["x-tenant", "accept", "missing"])
    func shortCutAgreesWithTheMap(key: String) throws {
        let present = try Self.bundle("'\(key)' in request.headers == ('\(key)' in [request.headers][0])")
        let value = try Self.bundle("request.headers['\(key)'] == [request.headers][0]['\(key)']")
        for headers in Self.headerSets {
            let request = Fixture.request(headers: headers)
            #expect(present.decide(request).allowed, "presence of \(key) in \(headers)")
            let inMap = headers.contains { $0.0.lowercased() == key }
            let d = value.decide(request)
            // A missing key is an error on both sides: the rule fails closed (not allowed) and says why.
            #expect(d.allowed == inMap, "value of \(key) in \(headers)")
            if !inMap { #expect(d.errors.contains { $0.contains("no such key: \"\(key)\"") }, "\(d.errors)") }
        }
    }

    @Test func repeatedHeadersAreJoinedInOrder() throws {
        let b = try Self.bundle("request.headers['x-tenant'] == 'acme,beta' && request.headers.accept == 'a'")
        #expect(b.decide(Fixture.request(headers: [("x-tenant", "acme"), ("accept", "a"), ("x-tenant", "beta")])).allowed)
        #expect(!b.decide(Fixture.request(headers: [("x-tenant", "acme"), ("accept", "a")])).allowed)
    }

    @Test func selectOnAMissingHeaderFailsClosedWithItsName() throws {
        let b = try Self.bundle("request.headers.accept == 'a'")
        let d = b.decide(Fixture.request(headers: []))
        #expect(!d.allowed)
        #expect(d.errors.contains { $0.contains("no such key: accept") }, "\(d.errors)")
    }
}
