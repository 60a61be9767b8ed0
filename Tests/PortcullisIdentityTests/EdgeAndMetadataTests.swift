import PortcullisModel
import Testing

@testable import PortcullisIdentity

@Suite struct EdgeIdentityHeadersTests {
    let edge = EdgeIdentityHeaders(
        trustedPrincipals: ["spiffe://cluster.local/ns/edge/sa/fortigate", "spiffe://cluster.local/ns/zscaler/sa/*"],
        headers: ["X-Authenticated-User", "x-authenticated-groups"])

    func request(from principal: String, _ headers: [(String, String)]) -> AuthzRequest {
        AuthzRequest(source: PeerInfo(principal: principal), http: HTTPRequestInfo(headers: HTTPHeaders(headers)))
    }

    @Test func trustedFromGateway() {
        let r = request(from: "spiffe://cluster.local/ns/edge/sa/fortigate",
                        [("x-authenticated-user", "jane"), ("x-authenticated-groups", "ops, dev")])
        #expect(edge.evaluate(r) == .trusted(["x-authenticated-user": "jane", "x-authenticated-groups": "ops, dev"]))
        #expect(edge.headersToRemove(r) == [])
        #expect(edge.evaluate(r).jsonValue?["x-authenticated-user"] == .string("jane"))
        #expect(EdgeIdentityHeaders.list("ops, dev,,") == ["ops", "dev"])
        #expect(edge.evaluate(request(from: "spiffe://cluster.local/ns/zscaler/sa/zia", [("x-authenticated-user", "bob")]))
                == .trusted(["x-authenticated-user": "bob"]))
    }

    @Test func spoofedFromAnyOtherPeer() {
        for peer in ["spiffe://cluster.local/ns/shop/sa/cart", "", "spiffe://cluster.local/ns/edge/sa/fortigate2",
                     "spiffe://cluster.local/ns/zscalerx/sa/a"] {
            let r = request(from: peer, [("x-authenticated-user", "admin")])
            #expect(edge.evaluate(r) == .spoofed(present: ["x-authenticated-user"]))
            #expect(edge.evaluate(r).jsonValue == nil)
            #expect(edge.headersToRemove(r) == ["x-authenticated-user", "x-authenticated-groups"])
        }
    }

    @Test func anASCIIListIsSplitAsByCharacters() {
        let samples = ["", ",", "a", " a ", "ops, dev,,", "\tops\t,dev ", " , ,x", "a,b,c", "  ", "x,", ",x", "a b, c\td ",
                       "staff, support", "a,,b"]
        for v in samples {
            let byCharacter = v.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            #expect(EdgeIdentityHeaders.asciiList(v) == byCharacter, "\(v.debugDescription)")
            #expect(EdgeIdentityHeaders.list(v) == byCharacter)
        }
        #expect(EdgeIdentityHeaders.asciiList("ops, dév") == nil)
        #expect(EdgeIdentityHeaders.list("ops, dév ,") == ["ops", "dév"])
        // A space followed by a combining mark is one character, not a space: kept, as before.
        #expect(EdgeIdentityHeaders.list("a, \u{301}b") == ["a", " \u{301}b"])
    }

    @Test func absentWithoutHeaders() {
        #expect(edge.evaluate(request(from: "spiffe://cluster.local/ns/edge/sa/fortigate", [])) == .absent)
        #expect(edge.evaluate(request(from: "spiffe://cluster.local/ns/shop/sa/cart", [])) == .absent)
    }
}

@Suite struct EnvoyJWTMetadataTests {
    @Test func readsPayloadByNamespace() {
        let payload: JSONValue = .object(["sub": .string("u1"), "role": .string("admin")])
        let r = AuthzRequest(metadataContext: ["envoy.filters.http.jwt_authn": .object(["https://idp.example": payload])])
        #expect(EnvoyJWTMetadata().claims(in: r)?["role"] == .string("admin"))
        #expect(EnvoyJWTMetadata(key: "https://idp.example").claims(in: r)?["sub"] == .string("u1"))
        #expect(EnvoyJWTMetadata(key: "other").claims(in: r) == nil)
        #expect(EnvoyJWTMetadata(namespace: "other").claims(in: r) == nil)
        let two = AuthzRequest(metadataContext: ["envoy.filters.http.jwt_authn": .object(["a": payload, "b": payload])])
        #expect(EnvoyJWTMetadata().claims(in: two) == nil)
    }
}

@Suite struct WorkloadIdentityTests {
    @Test func fromPrincipal() throws {
        let w = try #require(WorkloadIdentity(source: PeerInfo(principal: "spiffe://cluster.local/ns/shop/sa/cart")))
        #expect(w.jsonValue == .object([
            "principal": .string("spiffe://cluster.local/ns/shop/sa/cart"), "trust_domain": .string("cluster.local"),
            "namespace": .string("shop"), "service_account": .string("cart"),
        ]))
        #expect(WorkloadIdentity(source: PeerInfo()) == nil)
    }

    @Test func badCertificateIsAbsentNotTrusted() throws {
        let w = try #require(WorkloadIdentity(source: PeerInfo(principal: "x", certificate: "garbage")))
        #expect(w.certificate == nil)
        #expect(w.certificateError != nil)
        #expect(w.spiffeID == nil)
    }
}
