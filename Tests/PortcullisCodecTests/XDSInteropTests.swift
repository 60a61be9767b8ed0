import Foundation
import PortcullisModel
import Testing

@testable import PortcullisCodec

/// The codec against messages built by Envoy's own generated code (see scripts/gen-codec-fixtures.py).
@Suite struct XDSInteropTests {
    static func bytes(_ b64: String) throws -> [UInt8] {
        [UInt8](try #require(Data(base64Encoded: b64)))
    }

    static let expectedMetadata: [String: JSONValue] = [
        "envoy.filters.http.jwt_authn": .object(["payload": .object([
            "sub": .string("u1"), "roles": .array([.string("admin"), .number(2), .bool(true), .null]),
            "nested": .object(["x": .number(-1.5)]),
        ])]),
    ]

    func expectFullRequest(_ r: AuthzRequest) throws {
        #expect(r.source.address == "10.0.0.1")
        #expect(r.source.port == 43210)
        #expect(r.source.principal == "spiffe://td/ns/a/sa/client")
        #expect(r.source.service == "client")
        #expect(r.source.certificate == "-----BEGIN%20CERTIFICATE-----")
        #expect(r.source.labels == ["app": "client"])
        #expect(r.destination.address == "10.0.0.2")
        #expect(r.destination.port == 8080)
        #expect(r.destination.principal == "spiffe://td/ns/b/sa/server")
        #expect(r.time == Timestamp(seconds: 1_714_566_896, nanos: 123_000_000))
        let h = try #require(r.http)
        #expect(h.id == "req-1")
        #expect(h.method == "POST")
        #expect(h.path == "/api/v1/items?limit=10")
        #expect(h.host == "api.example.com")
        #expect(h.scheme == "https")
        #expect(h.protocol == "HTTP/2")
        #expect(h.size == -1)
        #expect(h.body == "{\"a\":1}")
        #expect(h.rawBody == [0x00, 0x01, 0xFF])
        #expect(h.headers.first(":authority") == "api.example.com")
        #expect(h.headers.first(":method") == "POST")
        #expect(r.contextExtensions == ["tier": "gold"])
        #expect(r.metadataContext == Self.expectedMetadata)
        #expect(r.routeMetadataContext == ["portcullis": .object(["policy": .string("p1")])])
        #expect(r.sni == "api.example.com")
    }

    @Test func decodesEnvoysCheckRequest() throws {
        let r = try CheckRequestDecoder().decode(bytes: Self.bytes(XDSFixtures.checkRequestMap))
        try expectFullRequest(r)
        #expect(r.http?.headers.values("x-forwarded-for") == ["1.1.1.1,2.2.2.2"])
    }

    @Test func decodesEnvoysRawHeaderMap() throws {
        let r = try CheckRequestDecoder().decode(bytes: Self.bytes(XDSFixtures.checkRequestRawHeaderMap))
        try expectFullRequest(r)
        #expect(r.http?.headers.values("x-forwarded-for") == ["1.1.1.1", "2.2.2.2"])
        #expect(r.http?.headers.count == 4)
    }

    @Test(arguments: [XDSFixtures.checkRequestJSON, XDSFixtures.checkRequestSnakeJSON])
    func readsEnvoysJSONForm(json: String) throws {
        let r = try AuthzRequest(checkRequestJSON: json)
        try expectFullRequest(r)
        #expect(r.http?.headers.values("x-forwarded-for") == ["1.1.1.1,2.2.2.2"])
    }

    @Test func reEncodingEnvoysRequestDecodesTheSame() throws {
        let r = try CheckRequestDecoder().decode(bytes: Self.bytes(XDSFixtures.checkRequestRawHeaderMap))
        try expectFullRequest(CheckRequestDecoder().decode(bytes: CheckRequestEncoder.encode(r, headers: .rawHeaderMap)))
        try expectFullRequest(AuthzRequest(checkRequestJSON: r.checkRequestJSON()))
    }

    @Test func allowMatchesEnvoysEncoding() throws {
        let d = Decision(
            allowed: true,
            headers: [HeaderMutation(name: "x-user", value: "u1"),
                      HeaderMutation(name: "x-trace", value: "t", action: .appendIfExistsOrAdd),
                      HeaderMutation(name: "x-once", value: "o", action: .addIfAbsent)],
            headersToRemove: ["authorization"],
            responseHeadersToAdd: [HeaderMutation(name: "x-decision", value: "allow")],
            queryParametersToSet: [(key: "tenant", value: "t1")],
            queryParametersToRemove: ["token"],
            dynamicMetadata: ["decision_id": .string("d-1"), "n": .number(3)]
        )
        let ours = CheckResponseEncoder.encode(d)
        let envoys = try Self.bytes(XDSFixtures.allowResponse)
        #expect(ours == envoys)
        let a = try CheckResponseView(bytes: ours)
        let b = try CheckResponseView(bytes: envoys)
        #expect(a.headers == b.headers)
        #expect(a.responseHeadersToAdd == b.responseHeadersToAdd)
        #expect(a.dynamicMetadata == b.dynamicMetadata)
    }

    @Test func denyMatchesEnvoysEncoding() throws {
        let deny = Decision(allowed: false, headers: [HeaderMutation(name: "content-type", value: "text/plain")], body: "forbidden")
        #expect(CheckResponseEncoder.encode(deny) == (try Self.bytes(XDSFixtures.denyResponse)))
        let unauth = Decision(allowed: false, denialKind: .unauthenticated,
                              headers: [HeaderMutation(name: "content-type", value: "text/plain")])
        #expect(CheckResponseEncoder.encode(unauth) == (try Self.bytes(XDSFixtures.unauthenticatedResponse)))
    }
}
