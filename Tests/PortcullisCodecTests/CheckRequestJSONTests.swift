import PortcullisModel
import Testing

@Suite struct CheckRequestJSONTests {
    static let opaInput = """
    {"attributes":{
      "source":{"address":{"socketAddress":{"address":"10.0.0.1","portValue":1234}},
                "principal":"spiffe://cluster.local/ns/a/sa/b","service":"web","labels":{"app":"web"},
                "certificate":"-----BEGIN%20CERT"},
      "destination":{"address":{"socketAddress":{"address":"10.0.0.2","portValue":"8080"}},"principal":"spiffe://d"},
      "request":{"time":"2024-05-01T12:34:56.5Z",
        "http":{"id":"42","method":"POST","path":"/x?a=1","host":"h.example","scheme":"https","protocol":"HTTP/2",
                "headers":{":authority":"h.example","X-Token":"abc","accept":"a,b"},
                "size":"-1","body":"hello","rawBody":"aGVsbG8="}},
      "contextExtensions":{"tier":"gold"},
      "metadataContext":{"filterMetadata":{"envoy.filters.http.jwt_authn":{"payload":{"sub":"u1","n":3,"ok":true,"l":[1,null]}}}},
      "routeMetadataContext":{"filterMetadata":{"r":{"k":"v"}}},
      "tlsSession":{"sni":"h.example"}},
     "parsed_path":["x"],"version":{"ext_authz":"v3"}}
    """

    @Test func readsOPAInputInLowerCamel() throws {
        let r = try AuthzRequest(checkRequestJSON: Self.opaInput)
        #expect(r.source.address == "10.0.0.1")
        #expect(r.source.port == 1234)
        #expect(r.source.principal == "spiffe://cluster.local/ns/a/sa/b")
        #expect(r.source.service == "web")
        #expect(r.source.labels == ["app": "web"])
        #expect(r.source.certificate == "-----BEGIN%20CERT")
        #expect(r.destination.address == "10.0.0.2")
        #expect(r.destination.port == 8080)
        #expect(r.destination.principal == "spiffe://d")
        #expect(r.time == Timestamp(seconds: 1_714_566_896, nanos: 500_000_000))
        let h = try #require(r.http)
        #expect(h.id == "42")
        #expect(h.method == "POST")
        #expect(h.path == "/x?a=1")
        #expect(h.urlPath == "/x")
        #expect(h.query == "a=1")
        #expect(h.host == "h.example")
        #expect(h.scheme == "https")
        #expect(h.protocol == "HTTP/2")
        #expect(h.headers.first(":authority") == "h.example")
        #expect(h.headers.first("x-token") == "abc")
        #expect(h.headers.first("accept") == "a,b")
        #expect(h.size == -1)
        #expect(h.body == "hello")
        #expect(h.rawBody == Array("hello".utf8))
        #expect(r.contextExtensions == ["tier": "gold"])
        #expect(r.metadataContext["envoy.filters.http.jwt_authn"]?["payload"]?["sub"] == .string("u1"))
        #expect(r.metadataContext["envoy.filters.http.jwt_authn"]?["payload"]?["n"] == .number(3))
        #expect(r.metadataContext["envoy.filters.http.jwt_authn"]?["payload"]?["l"] == .array([.number(1), .null]))
        #expect(r.routeMetadataContext["r"] == .object(["k": .string("v")]))
        #expect(r.sni == "h.example")
    }

    @Test func readsSnakeCaseNames() throws {
        let doc = """
        {"attributes":{"source":{"address":{"socket_address":{"address":"1.2.3.4","port_value":9}}},
          "request":{"http":{"method":"GET","path":"/","raw_body":"AAE=",
             "header_map":{"headers":[{"key":"X-A","value":"1"},{"key":"x-a","raw_value":"Mg=="}]}}},
          "context_extensions":{"k":"v"},
          "metadata_context":{"filter_metadata":{"ns":{"a":1}}},
          "route_metadata_context":{"filter_metadata":{"rns":{}}},
          "tls_session":{"sni":"s"}}}
        """
        let r = try AuthzRequest(checkRequestJSON: doc)
        #expect(r.source.address == "1.2.3.4")
        #expect(r.source.port == 9)
        let h = try #require(r.http)
        #expect(h.rawBody == [0, 1])
        #expect(h.headers.values("x-a") == ["1", "2"])
        #expect(r.contextExtensions == ["k": "v"])
        #expect(r.metadataContext == ["ns": .object(["a": .number(1)])])
        #expect(r.routeMetadataContext == ["rns": .object([:])])
        #expect(r.sni == "s")
    }

    @Test func checkWithoutHTTPHasNilHTTP() throws {
        let r = try AuthzRequest(checkRequestJSON: #"{"attributes":{"source":{"address":{"pipe":{"path":"/run/s.sock"}}}}}"#)
        #expect(r.http == nil)
        #expect(r.source.address == "/run/s.sock")
        let empty = try AuthzRequest(checkRequestJSON: "{}")
        #expect(empty.http == nil)
        #expect(empty.sni == "")
    }

    @Test func writesAndReadsBack() throws {
        var headers = HTTPHeaders([(":path", "/p?q=1"), ("x-dup", "1"), ("X-Dup", "2"), ("h", "\"quoted\"\n")])
        headers.add("empty", "")
        let req = AuthzRequest(
            source: PeerInfo(address: "10.1.1.1", port: 5555, principal: "p", service: "s", certificate: "c", labels: ["a": "b", "e": ""]),
            destination: PeerInfo(address: "10.1.1.2", port: 80),
            time: Timestamp(seconds: 1_700_000_000, nanos: 123_456_789),
            http: HTTPRequestInfo(id: "i", method: "PUT", path: "/p?q=1", host: "h", scheme: "http", protocol: "HTTP/1.1",
                                  fragment: "f", headers: headers, body: "b", rawBody: [0, 255, 10], size: 3),
            contextExtensions: ["x": "y"],
            metadataContext: ["ns": .object(["s": .string("v"), "d": .number(1.5), "b": .bool(false), "n": .null])],
            routeMetadataContext: ["r": .object(["a": .array([.string("x")])])],
            sni: "sni.example"
        )
        let text = req.checkRequestJSON()
        let back = try AuthzRequest(checkRequestJSON: text)
        #expect(back.source.address == "10.1.1.1")
        #expect(back.source.port == 5555)
        #expect(back.source.labels == ["a": "b", "e": ""])
        #expect(back.source.certificate == "c")
        #expect(back.destination.port == 80)
        #expect(back.time == req.time)
        let h = try #require(back.http)
        #expect(h.headers.fields == req.http?.headers.fields)
        #expect(h.rawBody == [0, 255, 10])
        #expect(h.size == 3)
        #expect(h.fragment == "f")
        #expect(h.protocol == "HTTP/1.1")
        #expect(back.contextExtensions == req.contextExtensions)
        #expect(back.metadataContext == req.metadataContext)
        #expect(back.routeMetadataContext == req.routeMetadataContext)
        #expect(back.sni == "sni.example")
        // The headers map joins repeated names, as Envoy's does.
        let plain = try JSONValue(parsing: text)
        #expect(plain["attributes"]?["request"]?["http"]?["headers"]?["x-dup"] == .string("1,2"))
    }

    @Test(arguments: [
        ("{", ""),
        ("[]", ""),
        (#"{"attributes":[]}"#, "attributes"),
        (#"{"attributes":{"request":{"http":{"method":5}}}}"#, "attributes.request.http.method"),
        (#"{"attributes":{"request":{"http":{"size":"big"}}}}"#, "attributes.request.http.size"),
        (#"{"attributes":{"request":{"http":{"rawBody":"!!"}}}}"#, "attributes.request.http.rawBody"),
        (#"{"attributes":{"request":{"http":{"headers":{"a":1}}}}}"#, "attributes.request.http.headers.a"),
        (#"{"attributes":{"request":{"time":"yesterday"}}}"#, "attributes.request.time"),
        (#"{"attributes":{"source":{"address":{"socketAddress":{"portValue":70000000000}}}}}"#,
         "attributes.source.address.socketAddress.portValue"),
        (#"{"attributes":{"metadataContext":{"filterMetadata":{"ns":"x"}}}}"#, "attributes.metadataContext.filterMetadata.ns"),
        (#"{"attributes":{"contextExtensions":{"k":true}}}"#, "attributes.contextExtensions.k"),
    ])
    func badDocumentsNameTheProblem(doc: String, path: String) {
        #expect {
            _ = try AuthzRequest(checkRequestJSON: doc)
        } throws: { error in
            (error as? CheckRequestJSONError)?.path == path
        }
    }
}
