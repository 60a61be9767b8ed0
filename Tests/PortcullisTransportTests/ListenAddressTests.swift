import Testing
@testable import PortcullisTransport

@Suite struct ListenAddressTests {
    @Test func parsesTCPAndUnixForms() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:9191") == .tcp(host: "127.0.0.1", port: 9191))
        #expect(try ListenAddress(parsing: "localhost:0") == .tcp(host: "localhost", port: 0))
        #expect(try ListenAddress(parsing: "[::1]:80") == .tcp(host: "::1", port: 80))
        #expect(try ListenAddress(parsing: "unix:/run/pc.sock") == .unix(path: "/run/pc.sock"))
        #expect(try ListenAddress(parsing: "unix:rel.sock") == .unix(path: "rel.sock"))
    }

    @Test(arguments: [
        "", "9191", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x",
        ":9191", "[::1:80", "[]:80", "[zz]:80", "unix:", "bad host:1", "a/b:1",
    ])
    func rejectsMalformedAddresses(_ text: String) {
        #expect(throws: TransportError.self) { try ListenAddress(parsing: text) }
    }

    @Test func rejectsOverlongSocketPath() {
        let path = "unix:/" + String(repeating: "a", count: 120)
        #expect(throws: TransportError.self) { try ListenAddress(parsing: path) }
    }

    @Test func formatsCoreAddressAndBoundPort() throws {
        #expect(try ListenAddress(parsing: "[::1]:0").bound(port: 4242) == "[::1]:4242")
        #expect(try ListenAddress(parsing: "127.0.0.1:0").bound(port: 4242) == "127.0.0.1:4242")
        #expect(try ListenAddress(parsing: "unix:/tmp/x.sock").bound(port: 1) == "unix:/tmp/x.sock")
    }
}
