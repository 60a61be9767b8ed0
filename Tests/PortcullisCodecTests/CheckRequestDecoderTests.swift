import PortcullisModel
import Testing

@testable import PortcullisCodec

@Suite struct CheckRequestDecoderTests {
    static func fullRequest(headers: HTTPHeaders) -> AuthzRequest {
        AuthzRequest(
            source: PeerInfo(address: "10.0.0.1", port: 43210, principal: "spiffe://td/ns/a/sa/client", service: "client",
                             certificate: "-----BEGIN%20CERTIFICATE-----", labels: ["app": "client", "version": "v1"]),
            destination: PeerInfo(address: "10.0.0.2", port: 8080, principal: "spiffe://td/ns/b/sa/server", service: "server",
                                  certificate: "dest-cert", labels: ["app": "server"]),
            time: Timestamp(seconds: 1_714_566_896, nanos: 123_000_000),
            http: HTTPRequestInfo(id: "req-1", method: "POST", path: "/api/v1/items?limit=10&q=a%20b", host: "api.example.com",
                                  scheme: "https", protocol: "HTTP/2", fragment: "", headers: headers, body: "{\"a\":1}",
                                  rawBody: [0x00, 0x01, 0xFF], size: 7),
            contextExtensions: ["route": "items", "tier": "gold"],
            metadataContext: ["envoy.filters.http.jwt_authn": .object([
                "payload": .object(["sub": .string("u1"), "roles": .array([.string("admin"), .number(2), .bool(true), .null]),
                                    "nested": .object(["x": .number(-1.5)])]),
            ])],
            routeMetadataContext: ["portcullis": .object(["policy": .string("p1")])],
            sni: "api.example.com"
        )
    }

    static let headers = HTTPHeaders([
        (":authority", "api.example.com"), (":method", "POST"), (":path", "/api/v1/items?limit=10&q=a%20b"),
        ("x-forwarded-for", "1.1.1.1"), ("x-forwarded-for", "2.2.2.2"), ("authorization", "Bearer t"),
    ])

    func expectEqual(_ r: AuthzRequest, _ e: AuthzRequest) throws {
        for (got, want) in [(r.source, e.source), (r.destination, e.destination)] {
            #expect(got.address == want.address)
            #expect(got.port == want.port)
            #expect(got.principal == want.principal)
            #expect(got.service == want.service)
            #expect(got.certificate == want.certificate)
            #expect(got.labels == want.labels)
        }
        #expect(r.time == e.time)
        let h = try #require(r.http)
        let w = try #require(e.http)
        #expect(h.id == w.id)
        #expect(h.method == w.method)
        #expect(h.path == w.path)
        #expect(h.urlPath == "/api/v1/items")
        #expect(h.query == "limit=10&q=a%20b")
        #expect(h.host == w.host)
        #expect(h.scheme == w.scheme)
        #expect(h.protocol == w.protocol)
        #expect(h.body == w.body)
        #expect(h.rawBody == w.rawBody)
        #expect(h.size == w.size)
        #expect(r.contextExtensions == e.contextExtensions)
        #expect(r.metadataContext == e.metadataContext)
        #expect(r.routeMetadataContext == e.routeMetadataContext)
        #expect(r.sni == e.sni)
    }

    @Test func roundTripsEveryFieldWithHeadersMap() throws {
        let req = Self.fullRequest(headers: Self.headers)
        let bytes = CheckRequestEncoder.encode(req)
        let back = try CheckRequestDecoder().decode(bytes: bytes)
        try expectEqual(back, req)
        let h = try #require(back.http)
        // The map joins repeated names, as Envoy's `headers` does.
        #expect(h.headers.values("x-forwarded-for") == ["1.1.1.1,2.2.2.2"])
        #expect(h.headers.first(":authority") == "api.example.com")
        #expect(h.headers.first("authorization") == "Bearer t")
        #expect(h.headers.count == 5)
    }

    @Test(arguments: [CheckRequestEncoder.HeaderForm.rawHeaderMap, .headerMap])
    func headerMapKeepsRepeatedValuesInOrder(form: CheckRequestEncoder.HeaderForm) throws {
        let req = Self.fullRequest(headers: Self.headers)
        let back = try CheckRequestDecoder().decode(bytes: CheckRequestEncoder.encode(req, headers: form))
        try expectEqual(back, req)
        let h = try #require(back.http)
        #expect(h.headers.fields == Self.headers.fields)
        #expect(h.headers.values("x-forwarded-for") == ["1.1.1.1", "2.2.2.2"])
    }

    @Test func headerNamesAreLowerCased() throws {
        // Encode with the header map form and upper-case keys written straight into the wire.
        // AttributeContext{request{http{header_map{headers{key:"X-Up" value:"v"}}}}}
        let hv: [UInt8] = [0x0A, 0x04] + Array("X-Up".utf8) + [0x12, 0x01, 0x76]
        let map: [UInt8] = [0x0A, UInt8(hv.count)] + hv
        let http: [UInt8] = [0x6A, UInt8(map.count)] + map  // field 13, LEN
        let request: [UInt8] = [0x12, UInt8(http.count)] + http
        let attrs: [UInt8] = [0x22, UInt8(request.count)] + request
        let bytes: [UInt8] = [0x0A, UInt8(attrs.count)] + attrs
        let r = try CheckRequestDecoder().decode(bytes: bytes)
        #expect(r.http?.headers.fields == [HTTPHeaders.Field(name: "x-up", value: "v")])
    }

    @Test func decodesHandWrittenWireBytes() throws {
        // CheckRequest{attributes(1){request(4){http(2){method(2):"GET"}}}}: Envoy's field numbers.
        let bytes: [UInt8] = [0x0A, 0x09, 0x22, 0x07, 0x12, 0x05, 0x12, 0x03, 0x47, 0x45, 0x54]
        let r = try CheckRequestDecoder().decode(bytes: bytes)
        #expect(r.http?.method == "GET")
        #expect(r.http?.path == "")
    }

    @Test func checkWithoutHTTPIsValid() throws {
        let tcp = AuthzRequest(
            source: PeerInfo(address: "10.0.0.9", port: 5000, principal: "spiffe://td/ns/x/sa/y"),
            destination: PeerInfo(address: "10.0.0.10", port: 3306))
        let r = try CheckRequestDecoder().decode(bytes: CheckRequestEncoder.encode(tcp))
        #expect(r.http == nil)
        #expect(r.source.principal == "spiffe://td/ns/x/sa/y")
        #expect(r.destination.port == 3306)
        let empty = try CheckRequestDecoder().decode(bytes: [UInt8]())
        #expect(empty.http == nil)
        #expect(empty.source.address == "")
    }

    @Test func unixSocketPeerUsesThePipePath() throws {
        let req = AuthzRequest(source: PeerInfo(address: "/run/app.sock"))
        let r = try CheckRequestDecoder().decode(bytes: CheckRequestEncoder.encode(req))
        #expect(r.source.address == "/run/app.sock")
        #expect(r.source.port == 0)
    }

    @Test func nonObjectMetadataIsWrapped() throws {
        let req = AuthzRequest(metadataContext: ["ns": .string("x")])
        let r = try CheckRequestDecoder().decode(bytes: CheckRequestEncoder.encode(req))
        #expect(r.metadataContext == ["ns": .object(["value": .string("x")])])
    }

    @Test func reusesTheDecoderAcrossCallsOfDifferentSizes() throws {
        let decoder = CheckRequestDecoder()
        let small = CheckRequestEncoder.encode(Self.fullRequest(headers: Self.headers))
        var bigHeaders = HTTPHeaders()
        for i in 0..<2000 { bigHeaders.add("x-h-\(i)", String(repeating: "v", count: 100)) }
        let big = CheckRequestEncoder.encode(Self.fullRequest(headers: bigHeaders), headers: .rawHeaderMap)
        for round in 0..<5 {
            let r1 = try decoder.decode(bytes: small)
            #expect(r1.http?.headers.count == 5, "round \(round)")
            let r2 = try decoder.decode(bytes: big)
            #expect(r2.http?.headers.count == 2000)
            #expect(r2.http?.headers.first("x-h-1999") == String(repeating: "v", count: 100))
            // Nothing decoded refers to the arena: the first result is intact after later calls.
            #expect(r1.metadataContext == Self.fullRequest(headers: Self.headers).metadataContext)
        }
        // After a steady stream the arena holds one block and serves from it.
        _ = try decoder.decode(bytes: big)
        #expect(decoder.arena.bytesInUse == 0)
    }

    @Test func acceptsSlicesAndNonContiguousCollections() throws {
        let bytes = CheckRequestEncoder.encode(Self.fullRequest(headers: Self.headers))
        let padded = [0xAA] + bytes + [0xBB]
        let slice = padded[1..<(padded.count - 1)]
        #expect(try CheckRequestDecoder().decode(bytes: slice).sni == "api.example.com")
        let lazy = bytes.lazy.map { $0 }
        #expect(try CheckRequestDecoder().decode(bytes: lazy).sni == "api.example.com")
        let r = try bytes.withUnsafeBytes { buf in try CheckRequestDecoder().decode(buf) }
        #expect(r.sni == "api.example.com")
    }

    @Test(arguments: [
        [0x0A] as [UInt8],                       // tag with no length
        [0x0A, 0x05, 0x01],                      // length past the end
        [0x0A, 0x02, 0x22, 0x7F],                // nested length past the end
        [0x0B],                                  // group wire type
        [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // 11-byte varint
        [0x00, 0x00],                            // field number 0
        [0x0A, 0x03, 0x0A, 0x01, 0x0A],          // peer's address truncated
        Array("GET / HTTP/1.1\r\n".utf8),
    ])
    func malformedBytesThrow(bytes: [UInt8]) {
        #expect(throws: CodecError.self) { try CheckRequestDecoder().decode(bytes: bytes) }
    }

    @Test func wrongWireTypeForAKnownFieldThrows() {
        // attributes (field 1) sent as a varint instead of a message.
        #expect(throws: CodecError.self) { try CheckRequestDecoder().decode(bytes: [0x08, 0x01]) }
    }

    @Test func randomBytesNeverCrash() throws {
        var rng = SystemRandomNumberGenerator()
        let valid = CheckRequestEncoder.encode(Self.fullRequest(headers: Self.headers))
        let decoder = CheckRequestDecoder()
        var failures = 0
        for _ in 0..<2000 {
            var b = valid
            for _ in 0..<3 { b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            if (try? decoder.decode(bytes: b)) == nil { failures += 1 }
            let junk = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if (try? decoder.decode(bytes: junk)) == nil { failures += 1 }
        }
        #expect(failures > 0)
        #expect(try decoder.decode(bytes: valid).sni == "api.example.com")
    }

    /// Metadata nested `depth` JSON objects deep: {"a":{"a":...{}}}.
    static func nested(_ depth: Int) -> JSONValue {
        var v = JSONValue.object([:])
        for _ in 0..<depth { v = .object(["a": v]) }
        return v
    }

    @Test func deepNestingIsRefusedNotACrash() throws {
        let ok = AuthzRequest(metadataContext: ["ns": Self.nested(25)])
        #expect(try CheckRequestDecoder().decode(bytes: CheckRequestEncoder.encode(ok)).metadataContext == ["ns": Self.nested(25)])
        // Hand-build a Value→Struct→Entry chain far deeper than the limit (protobuf-c would recurse on it).
        var value: [UInt8] = []
        for _ in 0..<20_000 {
            // Struct{fields: [Entry{key:"a", value: <value>}]} wrapped in Value{struct_value}
            let entry: [UInt8] = [0x0A, 0x01, 0x61] + [0x12] + varint(value.count) + value
            let strct: [UInt8] = [0x0A] + varint(entry.count) + entry
            value = [0x2A] + varint(strct.count) + strct
        }
        let lastEntry: [UInt8] = [0x0A, 0x01, 0x61, 0x12] + varint(value.count) + value
        let top: [UInt8] = [0x0A] + varint(lastEntry.count) + lastEntry  // Struct{fields: [a: value]}
        let entry: [UInt8] = [0x0A, 0x02, 0x6E, 0x73, 0x12] + varint(top.count) + top  // FilterMetadataEntry{"ns": Struct}
        let metadata: [UInt8] = [0x0A] + varint(entry.count) + entry
        let attrs: [UInt8] = [0x5A] + varint(metadata.count) + metadata  // field 11
        let bytes: [UInt8] = [0x0A] + varint(attrs.count) + attrs
        #expect {
            try CheckRequestDecoder().decode(bytes: bytes)
        } throws: { error in
            if case .tooDeep? = error as? CodecError { return true }
            return false
        }
    }
}

func varint(_ n: Int) -> [UInt8] {
    var v = UInt64(n)
    var out: [UInt8] = []
    while v >= 0x80 {
        out.append(UInt8(v & 0x7F) | 0x80)
        v >>= 7
    }
    out.append(UInt8(v))
    return out
}
