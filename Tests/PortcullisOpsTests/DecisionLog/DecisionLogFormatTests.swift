import Foundation
import PortcullisModel
import Testing
@testable import PortcullisOps

@Suite struct DecisionLogFormatTests {
    func request() -> AuthzRequest {
        var headers = HTTPHeaders([
            ("authorization", "Bearer eyJsecret"), ("cookie", "session=abc"), ("x-api-key", "k-123"),
            ("x-custom-secret-thing", "s"), ("x-tenant-pin", "4242"), ("x-request-id", "req-1"),
            ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), ("x-b3-traceid", "80f198ee56343ba8"),
            ("accept", "application/json"), (":path", "/login?user=bob&access_token=tok&x=1"),
            ("referer", "https://app.example/cb?api_key=zzz9&ok=1"),
        ])
        headers.add("x-forwarded-for", "10.0.0.1")
        return AuthzRequest(
            source: PeerInfo(address: "10.1.2.3", port: 5555, principal: "spiffe://cluster.local/ns/a/sa/web"),
            destination: PeerInfo(principal: "spiffe://cluster.local/ns/b/sa/api"),
            http: HTTPRequestInfo(
                id: "1", method: "POST", path: "/login?user=bob&access_token=tok&x=1", host: "api.example", headers: headers,
                body: #"{"user": "bob", "password": "hunter2", "nested": {"card": "4111"}}"#))
    }

    func record(_ d: Decision, id: String = "0123456789abcdef0123456789abcdef") -> DecisionRecord {
        DecisionRecord(
            id: id, time: Timestamp(seconds: 1_795_000_000, nanos: 123_456_000), request: request(), decision: d,
            bundleRevision: "rev-9", evaluationMicros: 42)
    }

    func parse(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func everyFieldIsPresent() throws {
        let d = Decision(allowed: false, policy: "api-guard", rules: ["deny-admin", "need-jwt"], dryRun: false, errors: ["boom"])
        let line = DecisionLogFormat().line(record(d))
        #expect(!line.contains("\n"))
        let o = try parse(line)
        #expect(o["time"] as? String == "2026-11-18T11:06:40.123456Z")
        #expect(o["decision_id"] as? String == "0123456789abcdef0123456789abcdef")
        let trace = try #require(o["trace"] as? [String: String])
        #expect(trace == [
            "x-request-id": "req-1", "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "x-b3-traceid": "80f198ee56343ba8",
        ])
        #expect(o["source_principal"] as? String == "spiffe://cluster.local/ns/a/sa/web")
        #expect(o["destination_principal"] as? String == "spiffe://cluster.local/ns/b/sa/api")
        #expect(o["source_address"] as? String == "10.1.2.3")
        #expect(o["method"] as? String == "POST")
        #expect(o["host"] as? String == "api.example")
        #expect(o["path"] as? String == "/login?user=bob&access_token=***&x=1")
        #expect(o["policy"] as? String == "api-guard")
        #expect(o["rules"] as? [String] == ["deny-admin", "need-jwt"])
        #expect(o["allowed"] as? Bool == false)
        #expect(o["status"] as? Int == 403)
        #expect(o["dry_run"] as? Bool == false)
        #expect(o["errors"] as? [String] == ["boom"])
        #expect(o["bundle_revision"] as? String == "rev-9")
        #expect(o["eval_us"] as? Int == 42)
        #expect(o["input"] == nil)
        #expect(!line.contains("hunter2") && !line.contains("eyJsecret"))
    }

    @Test func allowedAndNoPolicy() throws {
        let o = try parse(DecisionLogFormat().line(record(Decision(allowed: true, dryRun: true))))
        #expect(o["allowed"] as? Bool == true)
        #expect(o["status"] as? Int == 200)
        #expect(o["dry_run"] as? Bool == true)
        #expect(o["policy"] is NSNull)
    }

    @Test func inputIsMaskedAndReplayable() throws {
        let format = DecisionLogFormat(masking: Masking(headers: ["X-Tenant-PIN"], fields: ["card"]), includeInput: true)
        let line = format.line(record(.deny))
        for secret in ["eyJsecret", "session=abc", "k-123", "4242", "hunter2", "4111", "tok&", "zzz9"] {
            #expect(!line.contains(secret), "leaked \(secret)")
        }
        let o = try parse(line)
        let input = try #require(o["input"] as? [String: Any])
        let inputText = String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self)
        // The input reads back as a CheckRequest.
        let replay = try AuthzRequest(checkRequestJSON: inputText)
        let h = try #require(replay.http)
        #expect(h.headers.first("authorization") == "***")
        #expect(h.headers.first("cookie") == "***")
        #expect(h.headers.first("x-api-key") == "***")
        #expect(h.headers.first("x-custom-secret-thing") == "***")
        #expect(h.headers.first("x-tenant-pin") == "***")
        #expect(h.headers.first("accept") == "application/json")
        #expect(h.headers.first("x-request-id") == "req-1")
        #expect(h.path == "/login?user=bob&access_token=***&x=1")
        // Headers carrying the URL are masked like the path.
        #expect(h.headers.first(":path") == "/login?user=bob&access_token=***&x=1")
        #expect(h.headers.first("referer") == "https://app.example/cb?api_key=***&ok=1")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(h.body.utf8)) as? [String: Any])
        #expect(body["password"] as? String == "***")
        #expect((body["nested"] as? [String: String])?["card"] == "***")
        #expect(body["user"] as? String == "bob")
        #expect(replay.source.principal == "spiffe://cluster.local/ns/a/sa/web")
    }

    @Test func formBodiesAndOddBodiesAreHandled() {
        let m = Masking(fields: ["otp"])
        #expect(m.maskBody("user=bob&password=x&otp=1") == "user=bob&password=***&otp=***")
        #expect(m.maskBody("plain text") == "plain text")
        #expect(m.maskBody("{not json") == "{not json")
        #expect(m.maskBody("") == "")
        #expect(m.maskPath("/a?api_key=1#frag") == "/a?api_key=***#frag")
        #expect(m.maskPath("/a") == "/a")
        #expect(m.masksHeader("X-My-Token"))
        #expect(!m.masksHeader("content-type"))
    }

    @Test func stringsAreEscapedAndKeysSorted() throws {
        var r = request()
        r.http?.host = "h\"q\\b\n\u{01}é😀"
        var d = Decision.deny
        d.errors = ["tab\there", "quote\""]
        let line = DecisionLogFormat().line(DecisionRecord(
            id: "x", time: Timestamp(seconds: 1_795_000_000, nanos: 0), request: r, decision: d, bundleRevision: "r", evaluationMicros: 7))
        #expect(!line.contains("\n"))  // one line: newlines inside values are escaped
        #expect(line.contains(#""host":"h\"q\\b\n\u0001é😀""#))
        let o = try parse(line)
        #expect(o["host"] as? String == "h\"q\\b\n\u{01}é😀")
        #expect(o["errors"] as? [String] == ["tab\there", "quote\""])
        #expect(o["eval_us"] as? Int == 7)
        // Keys in sorted order, as documented.
        let keys = ["allowed", "bundle_revision", "decision_id", "destination_principal", "dry_run", "errors", "eval_us",
                    "host", "method", "path", "policy", "rules", "source_address", "source_principal", "status", "time", "trace"]
        let offsets = keys.map { line.range(of: "\"\($0)\":")!.lowerBound }
        #expect(offsets == offsets.sorted())
        #expect(line.hasSuffix(#""trace":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","x-b3-traceid":"80f198ee56343ba8","x-request-id":"req-1"}}"#))
    }

    @Test func decisionIDsAreUniqueHex() {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = DecisionID.next()
            #expect(id.count == 32)
            #expect(id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }
}
