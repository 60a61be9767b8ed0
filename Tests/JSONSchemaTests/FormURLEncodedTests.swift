import PortcullisModel
import Testing

@testable import JSONSchema

@Suite struct FormURLEncodedTests {
    @Test func parsesPairs() throws {
        let f = try FormURLEncoded.parse("name=Jane+Doe&tag=a&tag=b%26c&empty=&flag&&x=%C3%A9")
        #expect(f.first("name") == "Jane Doe")
        #expect(f.values("tag") == ["a", "b&c"])
        #expect(f.first("empty") == "")
        #expect(f.first("flag") == "")
        #expect(f.first("x") == "é")
        #expect(f.jsonValue["tag"] == .string("a"))
        #expect(f.multiValueJSON["tag"] == .array([.string("a"), .string("b&c")]))
    }

    @Test(arguments: ["a=%", "a=%4", "a=%zz", "a=%FF", "%C3=1"])
    func rejectsBadEscapes(_ body: String) {
        #expect(throws: FormParseError.self) { _ = try FormURLEncoded.parse(body) }
    }

    @Test func limitsFields() {
        #expect(throws: FormParseError("more than 2 fields")) { _ = try FormURLEncoded.parse("a=1&b=2&c=3", maxFields: 2) }
    }
}

@Suite struct RequestBodyTests {
    @Test func parsesJSONByContentType() throws {
        let r = RequestBody.parse(body: Array(#"{"qty": 2}"#.utf8), contentType: "Application/JSON; charset=utf-8")
        #expect(try r.get() == .json(.object(["qty": .number(2)])))
        let problem = RequestBody.parse(body: Array(#"{"qty": 2}"#.utf8), contentType: "application/problem+json")
        #expect(try problem.get().jsonValue["qty"] == .number(2))
    }

    @Test func parsesForm() throws {
        let r = RequestBody.parse(body: Array("a=1".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(try r.get().jsonValue == .object(["a": .string("1")]))
    }

    @Test func refusesPartialUnsupportedAndInvalid() {
        #expect(RequestBody.parse(body: Array("{}".utf8), contentType: "application/json", partial: true) == .failure(.partial))
        #expect(RequestBody.parse(body: Array("{}".utf8), contentType: "text/plain") == .failure(.unsupportedContentType("text/plain")))
        #expect(RequestBody.parse(body: Array("{}".utf8), contentType: nil) == .failure(.unsupportedContentType("")))
        guard case .failure(.invalidJSON) = RequestBody.parse(body: Array("{".utf8), contentType: "application/json") else {
            Issue.record("bad JSON accepted")
            return
        }
    }

    @Test func readsEnvoyRequest() throws {
        var http = HTTPRequestInfo(method: "POST", path: "/orders", headers: HTTPHeaders([("Content-Type", "application/json")]), body: #"[1]"#)
        #expect(try RequestBody.parse(http).get() == .json(.array([.number(1)])))
        http.headers.add("x-envoy-auth-partial-body", "true")
        #expect(RequestBody.parse(http) == .failure(.partial))
    }
}
