import PortcullisModel
import Testing

@testable import PortcullisIdentity

@Suite struct TokenSourceTests {
    func request(_ headers: [(String, String)], path: String = "/") -> AuthzRequest {
        AuthzRequest(http: HTTPRequestInfo(method: "GET", path: path, headers: HTTPHeaders(headers)))
    }

    @Test func bearer() {
        #expect(TokenSource.authorizationBearer.extract(from: request([("Authorization", "Bearer abc.def.ghi")])) == "abc.def.ghi")
        #expect(TokenSource.authorizationBearer.extract(from: request([("authorization", "bearer   tok  ")])) == "tok")
        #expect(TokenSource.authorizationBearer.extract(from: request([("authorization", "Basic dXNlcjpwdw==")])) == nil)
        #expect(TokenSource.authorizationBearer.extract(from: request([("authorization", "Bearer")])) == nil)
        #expect(TokenSource.authorizationBearer.extract(from: request([])) == nil)
        #expect(TokenSource.authorizationBearer.extract(from: AuthzRequest()) == nil)
    }

    @Test func namedHeader() {
        #expect(TokenSource.header("X-API-Key").extract(from: request([("x-api-key", " k1 ")])) == "k1")
        #expect(TokenSource.header("x-api-key").extract(from: request([("x-api-key", "")])) == nil)
    }

    @Test func cookie() {
        let r = request([("cookie", "theme=dark; session=\"s%201\""), ("cookie", "jwt=aaa.bbb.ccc")])
        #expect(TokenSource.cookie("session").extract(from: r) == "s%201")
        #expect(TokenSource.cookie("jwt").extract(from: r) == "aaa.bbb.ccc")
        #expect(TokenSource.cookie("missing").extract(from: r) == nil)
        #expect(TokenSource.cookie("ses").extract(from: r) == nil)
    }

    @Test func queryParameter() {
        let r = request([], path: "/p?x=1&access_token=a%2Bb+c&api_key=k&access_token=second#frag")
        #expect(TokenSource.query("access_token").extract(from: r) == "a+b c")
        #expect(TokenSource.query("api_key").extract(from: r) == "k")
        #expect(TokenSource.query("nope").extract(from: r) == nil)
        #expect(TokenSource.query("bad").extract(from: request([], path: "/p?bad=%zz")) == nil)
    }
}

@Suite struct BearerSchemeTests {
    @Test(arguments: [
        ("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER abc", "abc"), ("bEaReR\tx abc", nil),
        ("  Bearer \t abc \t ", "abc"), ("Bearer", nil), ("Bearer ", nil), ("Bearerx abc", nil), ("Basic abc", nil),
        ("Bearer a b", "a b"), ("B\u{E9}arer abc", nil), ("Bearer t\u{F6}ken", "t\u{F6}ken"), ("", nil), ("bearer@ x", nil),
    ] as [(String, String?)])
    func schemeAndToken(header: String, token: String?) {
        #expect(TokenSource.bearer(header) == token)
    }
}
