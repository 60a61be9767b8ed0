import Testing
@testable import PortcullisHTTP

@Suite struct HTTPGetTests {
    @Test func getsStatusHeadersAndBodyAndSendsRequestHeaders() async throws {
        let server = try LoopbackHTTPServer { _ in
            LoopbackHTTPServer.response("200 OK", headers: ["ETag: \"v1\"", "X-Multi: a", "X-Multi: b"], body: Array("hello".utf8))
        }
        defer { server.stop() }
        let r = try await HTTPGet(url: server.url("/b.tar.gz"), headers: [("If-None-Match", "\"v0\""), ("X-Token", "t")]).perform()
        #expect(r.status == 200)
        #expect(r.body == Array("hello".utf8))
        #expect(r.headers["etag"] == "\"v1\"")
        #expect(r.headers["x-multi"] == "a, b")
        let head = try #require(server.requestHeads.first)
        #expect(head.hasPrefix("GET /b.tar.gz HTTP/1.1\r\n"))
        #expect(head.contains("If-None-Match: \"v0\"\r\n"))
        #expect(head.contains("X-Token: t\r\n"))
    }

    @Test func anyStatusIsAResponse() async throws {
        let server = try LoopbackHTTPServer { head in
            head.hasPrefix("GET /gone") ? LoopbackHTTPServer.response("404 Not Found") : LoopbackHTTPServer.response("304 Not Modified")
        }
        defer { server.stop() }
        #expect(try await HTTPGet(url: server.url("/gone")).perform().status == 404)
        let notModified = try await HTTPGet(url: server.url("/same")).perform()
        #expect(notModified.status == 304)
        #expect(notModified.body.isEmpty)
    }

    @Test func followsRedirectsOnAllowedSchemes() async throws {
        let server = try LoopbackHTTPServer { head in
            head.hasPrefix("GET /old")
                ? LoopbackHTTPServer.response("302 Found", headers: ["Location: /new", "ETag: \"old\""])
                : LoopbackHTTPServer.response("200 OK", headers: ["ETag: \"new\""], body: [1, 2, 3])
        }
        defer { server.stop() }
        let r = try await HTTPGet(url: server.url("/old")).perform()
        #expect(r.status == 200)
        #expect(r.body == [1, 2, 3])
        #expect(r.headers["etag"] == "\"new\"")  // the final response's headers only
    }

    @Test func bodiesOverTheLimitAreRefused() async throws {
        let big = [UInt8](repeating: 7, count: 100_000)
        let server = try LoopbackHTTPServer { head in
            if head.hasPrefix("GET /chunked") {  // no Content-Length: caught while reading
                var out = Array("HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
                for _ in 0..<10 { out += Array("2710\r\n".utf8) + [UInt8](repeating: 1, count: 10_000) + [13, 10] }
                return out + Array("0\r\n\r\n".utf8)
            }
            return LoopbackHTTPServer.response("200 OK", body: big)
        }
        defer { server.stop() }
        await #expect(throws: HTTPGetError.tooLarge(1000)) { try await HTTPGet(url: server.url("/big"), maxBytes: 1000).perform() }
        await #expect(throws: HTTPGetError.tooLarge(50_000)) {
            try await HTTPGet(url: server.url("/chunked"), maxBytes: 50_000).perform()
        }
        #expect(try await HTTPGet(url: server.url("/big"), maxBytes: 100_000).perform().body == big)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let server = try LoopbackHTTPServer { _ in nil }
        defer { server.stop() }
        // libcurl reports the timeout only when its own timer fires.
        await #expect(throws: HTTPGetError.timedOut(.milliseconds(300))) {
            try await HTTPGet(url: server.url("/slow"), timeout: .milliseconds(300)).perform()
        }
    }

    @Test func cancellingTheTaskStopsTheTransfer() async throws {
        let server = try LoopbackHTTPServer { _ in nil }
        defer { server.stop() }
        let task = Task { try await HTTPGet(url: server.url("/slow"), timeout: .seconds(30)).perform() }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        // Not .timedOut: the transfer stopped on the cancellation, long before its 30 s.
        await #expect(throws: HTTPGetError.cancelled) { try await task.value }
    }

    @Test func refusesOtherSchemesBadHeadersAndDeadPorts() async throws {
        await #expect(throws: HTTPGetError.invalidURL(scheme: ["https"])) {
            try await HTTPGet(url: "http://127.0.0.1:1/x", allowedSchemes: ["https"]).perform()
        }
        await #expect(throws: HTTPGetError.invalidURL(scheme: ["http", "https"])) { try await HTTPGet(url: "file:///etc/passwd").perform() }
        await #expect(throws: HTTPGetError.invalidURL(scheme: ["http", "https"])) { try await HTTPGet(url: "not a url").perform() }
        await #expect(throws: HTTPGetError.invalidHeader("X-Evil")) {
            try await HTTPGet(url: "http://127.0.0.1:1/x", headers: [("X-Evil", "a\r\nInjected: 1")]).perform()
        }
        let server = try LoopbackHTTPServer { _ in nil }
        let deadURL = server.url("/x")
        server.stop()
        do {
            _ = try await HTTPGet(url: deadURL, timeout: .seconds(5)).perform()
            Issue.record("a closed port must fail")
        } catch {
            guard case .failed(let why) = error else { Issue.record("expected .failed, got \(error)"); return }
            #expect(!why.isEmpty)
        }
    }

    @Test func parsesHeaderLines() {
        let h = HTTPResponse.parseHeaders("Content-Type: text/plain\r\nETag:  \"x\" \r\nX-Long: a\r\n  continued\r\nbad line\r\n")
        #expect(h == ["content-type": "text/plain", "etag": "\"x\"", "x-long": "a continued"])
    }
}
