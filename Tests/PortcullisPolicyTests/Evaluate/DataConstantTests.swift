import PortcullisModel
import Testing
@testable import PortcullisPolicy

/// A bundle's data is bound as a constant when expressions are compiled (folded into them): reads of it must
/// behave as reads of the variable did.
@Suite struct DataConstantTests {
    static func bundle(_ condition: String, data: [String: String]) throws -> CompiledBundle {
        try Fixture.conditionBundle(condition, files: data)
    }

    @Test func membershipInALargeDataListIsExact() throws {
        // Larger than the planner's constant-set limit: the list is scanned instead.
        let items = (0..<5_000).map { "\"t\($0)\"" }.joined(separator: ", ")
        let b = try Self.bundle("request.headers['x-tenant'] in data.tenants.active", data: ["data/tenants.json": "{\"active\": [\(items)]}"])
        #expect(b.decide(Fixture.request(headers: [("x-tenant", "t4999")])).allowed)
        #expect(b.decide(Fixture.request(headers: [("x-tenant", "t0")])).allowed)
        #expect(!b.decide(Fixture.request(headers: [("x-tenant", "t5000")])).allowed)
    }

    @Test func membershipInASmallDataListAndMapLookups() throws {
        let b = try Self.bundle(
            "request.headers['x-tenant'] in data.tenants.active && data.tenants.plans[request.headers['x-tenant']] == 'gold'",
            data: ["data/tenants.yaml": "active: [acme, beta]\nplans: {acme: gold, beta: free}\n"])
        #expect(b.decide(Fixture.request(headers: [("x-tenant", "acme")])).allowed)
        #expect(!b.decide(Fixture.request(headers: [("x-tenant", "beta")])).allowed)
        #expect(!b.decide(Fixture.request(headers: [("x-tenant", "other")])).allowed)
    }

    @Test func aMissingDataPathFailsClosedAndIsRecorded() throws {
        let b = try Self.bundle("request.method in data.tenants.missing", data: ["data/tenants.yaml": "active: [acme]\n"])
        let d = b.decide(Fixture.request())
        #expect(!d.allowed)
        #expect(d.errors.contains { $0.contains("no such key: missing") }, "\(d.errors)")
    }
}
