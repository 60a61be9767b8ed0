import PortcullisModel
import Testing
@testable import PortcullisPolicy

/// Test requests may give the body as text or as a JSON value.
@Suite struct RequestDocumentBodyTests {
    @Test func objectBodyIsSentAsJSON() throws {
        let r = try RequestDocument.parse(Array(#"{"method":"POST","body":{"b":[1,2],"a":"x"}}"#.utf8))
        #expect(r.http?.body == #"{"a":"x","b":[1,2]}"#)
        #expect(r.http?.headers.first("content-type") == "application/json")
        #expect(r.http?.size == 19)
    }

    @Test func explicitContentTypeIsKept() throws {
        let r = try RequestDocument.parse(Array(#"{"headers":{"content-type":"application/vnd.x+json"},"body":[1]}"#.utf8))
        #expect(r.http?.body == "[1]")
        #expect(r.http?.headers.first("content-type") == "application/vnd.x+json")
    }

    @Test func textBodyIsKeptAsItIs() throws {
        let r = try RequestDocument.parse(Array(#"{"body":"a=1&b=2"}"#.utf8))
        #expect(r.http?.body == "a=1&b=2")
        #expect(r.http?.headers.first("content-type") == nil)
    }

    @Test func numberBodyIsRefused() {
        #expect(throws: RequestDocument.Failure.self) { try RequestDocument.parse(Array(#"{"body":3}"#.utf8)) }
    }
}
