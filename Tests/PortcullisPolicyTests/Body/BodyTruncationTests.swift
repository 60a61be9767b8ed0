import PortcullisModel
import Testing
@testable import PortcullisPolicy

/// A body Envoy cut short never satisfies a body rule, whatever part of it arrived.
@Suite struct BodyTruncationTests {
    static let policy = """
        name: p
        rules:
          - name: valid-order
            action: allow
            body_schema: schemas/order.json
          - name: reads-body
            action: allow
            when: ["request.body.customer == 'jane@shop.example'"]
        """

    @Test func completeBodyMatches() throws {
        let b = try BodyFixture.bundle(Self.policy)
        let d = b.decide(BodyFixture.request(BodyFixture.validOrder, headers: [("x-envoy-auth-partial-body", "false")]))
        #expect(d.allowed)
        #expect(d.rules == ["valid-order", "reads-body"])
    }

    @Test(arguments: [
        [("x-envoy-auth-partial-body", "true")],
        [("x-envoy-auth-partial-body", "TRUE")],
        // Envoy 1.40 says "false" when the buffer filled exactly at max_request_bytes: content-length tells.
        [("x-envoy-auth-partial-body", "false"), ("content-length", "70000")],
        [("content-length", "not-a-number")],
    ])
    func truncatedBodyNeverMatches(headers: [(String, String)]) throws {
        let b = try BodyFixture.bundle(Self.policy)
        let d = b.decide(BodyFixture.request(BodyFixture.validOrder, headers: headers))
        #expect(!d.allowed)
        #expect(d.errors.count == 2)
    }

    @Test func sizeLargerThanTheBodyIsTruncation() throws {
        let b = try BodyFixture.bundle(Self.policy)
        let bytes = Int64(BodyFixture.validOrder.utf8.count)
        #expect(!b.decide(BodyFixture.request(BodyFixture.validOrder, size: bytes + 1)).allowed)
        #expect(b.decide(BodyFixture.request(BodyFixture.validOrder, size: bytes)).allowed)
        #expect(b.decide(BodyFixture.request(BodyFixture.validOrder, headers: [("content-length", String(bytes))])).allowed)
    }

    @Test func truncationIsReportedInTheDenial() throws {
        let b = try BodyFixture.bundle(Self.policy)
        let d = b.decide(BodyFixture.request(BodyFixture.validOrder, headers: [("x-envoy-auth-partial-body", "true")]))
        #expect(d.body.contains("the request body could not be read: the body was truncated by the proxy"))
    }
}
