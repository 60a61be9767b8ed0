import Testing
import PortcullisTransport
#if canImport(Glibc)
import Glibc
#endif

struct EchoHandler: GRPCHandler {
    func handle(method: String, request: RawSpan, worker: Int) -> GRPCResponse {
        .message(request.withUnsafeBytes { Array($0) })
    }
}

func temporarySocketPath(_ name: String) -> String {
    "/tmp/pc-transport-\(getpid())-\(name).sock"
}

func configuration(_ listen: [String], threads: Int = 1) -> GRPCServerConfiguration {
    GRPCServerConfiguration(listen: listen, unaryMethods: ["/test.Echo/Echo"], threads: threads, callsPerWorker: 4)
}

@Suite(.serialized) struct GRPCServerSetupTests {
    @Test func reportsBoundPortForPortZero() throws {
        let server = try GRPCServer(configuration: configuration(["127.0.0.1:0"]), handler: EchoHandler())
        defer { server.shutdown(grace: .zero) }
        let address = try #require(server.boundAddresses.first)
        #expect(address.hasPrefix("127.0.0.1:"))
        #expect(address != "127.0.0.1:0")
    }

    @Test func secondServerOnSameTCPPortFailsWithAddressInUse() throws {
        let first = try GRPCServer(configuration: configuration(["127.0.0.1:0"]), handler: EchoHandler())
        defer { first.shutdown(grace: .zero) }
        let taken = try #require(first.boundAddresses.first)
        #expect(throws: TransportError.bindFailed(address: taken, reason: "Address already in use")) {
            _ = try GRPCServer(configuration: configuration([taken]), handler: EchoHandler())
        }
    }

    @Test func secondServerOnSameUnixSocketFailsWithAddressInUse() throws {
        let path = temporarySocketPath("dup")
        let first = try GRPCServer(configuration: configuration(["unix:\(path)"]), handler: EchoHandler())
        defer { first.shutdown(grace: .zero) }
        #expect(throws: TransportError.bindFailed(address: "unix:\(path)", reason: "Address already in use")) {
            _ = try GRPCServer(configuration: configuration(["unix:\(path)"]), handler: EchoHandler())
        }
    }

    @Test func failureAfterAnEarlierAddressBoundReleasesIt() throws {
        let first = try GRPCServer(configuration: configuration(["127.0.0.1:0"]), handler: EchoHandler())
        defer { first.shutdown(grace: .zero) }
        let taken = try #require(first.boundAddresses.first)
        let path = temporarySocketPath("partial")
        #expect(throws: TransportError.self) {
            _ = try GRPCServer(configuration: configuration(["unix:\(path)", taken]), handler: EchoHandler())
        }
        // The unix socket bound before the failure was released: it can be bound again.
        let again = try GRPCServer(configuration: configuration(["unix:\(path)"]), handler: EchoHandler())
        again.shutdown(grace: .zero)
    }

    @Test func addressCanBeReusedAfterShutdown() throws {
        let first = try GRPCServer(configuration: configuration(["127.0.0.1:0"]), handler: EchoHandler())
        let address = try #require(first.boundAddresses.first)
        first.shutdown(grace: .seconds(1))
        #expect(first.shutdown(grace: .zero) == false)  // a second shutdown does nothing
        let second = try GRPCServer(configuration: configuration([address]), handler: EchoHandler())
        second.shutdown(grace: .zero)
    }

    @Test func rejectsInvalidAddressBeforeStarting() {
        #expect(throws: TransportError.invalidAddress("nonsense", reason: "expected host:port or unix:/path")) {
            _ = try GRPCServer(configuration: configuration(["nonsense"]), handler: EchoHandler())
        }
    }

    @Test func rejectsUnbindableAddressWithReason() {
        // 192.0.2.1 (TEST-NET-1) is not an address of this machine.
        #expect(throws: TransportError.bindFailed(address: "192.0.2.1:0", reason: "Cannot assign requested address")) {
            _ = try GRPCServer(configuration: configuration(["192.0.2.1:0"]), handler: EchoHandler())
        }
    }

    @Test func rejectsInvalidConfiguration() {
        var bad = configuration(["127.0.0.1:0"])
        bad.threads = 0
        #expect(throws: TransportError.self) { _ = try GRPCServer(configuration: bad, handler: EchoHandler()) }
        bad = configuration(["127.0.0.1:0"])
        bad.unaryMethods = ["not-a-path"]
        #expect(throws: TransportError.self) { _ = try GRPCServer(configuration: bad, handler: EchoHandler()) }
        bad.unaryMethods = ["/grpc.health.v1.Health/Check"]
        #expect(throws: TransportError.self) { _ = try GRPCServer(configuration: bad, handler: EchoHandler()) }
        bad = configuration([])
        #expect(throws: TransportError.self) { _ = try GRPCServer(configuration: bad, handler: EchoHandler()) }
    }
}
