import Synchronization
import Testing
import PortcullisTransport
#if canImport(Glibc)
import Glibc
#endif

/// Records what the transport hands to the handler, and answers per method.
final class RecordingHandler: GRPCHandler {
    let seen = Mutex<[(method: String, worker: Int, size: Int)]>([])
    let delayMicros: UInt32

    init(delayMicros: UInt32 = 0) { self.delayMicros = delayMicros }

    func handle(method: String, request: RawSpan, worker: Int) -> GRPCResponse {
        seen.withLock { $0.append((method, worker, request.byteCount)) }
        if delayMicros > 0 { usleep(delayMicros) }
        if method == "/test.Echo/Fail" { return .status(GRPCStatus(.permissionDenied, "no entry")) }
        return .message(request.withUnsafeBytes { Array($0) })
    }
}

@Suite(.serialized) struct GRPCServerCallTests {
    private func start(_ name: String, handler: some GRPCHandler, threads: Int = 2, maxRequestBytes: Int = 4 << 20) throws -> (GRPCServer, String) {
        let path = temporarySocketPath(name)
        let config = GRPCServerConfiguration(
            listen: ["unix:\(path)"], unaryMethods: ["/test.Echo/Echo", "/test.Echo/Fail"], threads: threads,
            callsPerWorker: 4, maxRequestBytes: maxRequestBytes, healthServices: ["", "test.Echo"])
        return (try GRPCServer(configuration: config, handler: handler), "unix:\(path)")
    }

    @Test func echoesSmallEmptyAndMultiSliceMessages() throws {
        let handler = RecordingHandler()
        let (server, target) = try start("echo", handler: handler)
        defer { server.shutdown(grace: .seconds(1)) }
        let client = CoreTestClient(target: target)
        for payload in [[UInt8]("hi".utf8), [], (0..<(2 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }] {
            let reply = client.call("/test.Echo/Echo", payload)
            #expect(reply.status == 0)
            #expect(reply.message == payload)
        }
        let seen = handler.seen.withLock { $0 }
        #expect(seen.map(\.method) == Array(repeating: "/test.Echo/Echo", count: 3))
        #expect(seen.map(\.size) == [2, 0, 2 << 20])
        #expect(seen.allSatisfy { (0..<2).contains($0.worker) })
    }

    @Test func handlerStatusReachesClient() throws {
        let (server, target) = try start("status", handler: RecordingHandler())
        defer { server.shutdown(grace: .seconds(1)) }
        let reply = CoreTestClient(target: target).call("/test.Echo/Fail", [1])
        #expect(reply.status == Int32(GRPCStatusCode.permissionDenied.rawValue))
        #expect(reply.details == "no entry")
        #expect(reply.message == nil)
    }

    @Test func unknownMethodIsUnimplemented() throws {
        let handler = RecordingHandler()
        let (server, target) = try start("unknown", handler: handler)
        defer { server.shutdown(grace: .seconds(1)) }
        let client = CoreTestClient(target: target)
        for _ in 0..<5 {  // more than the generic calls kept requested per worker
            let reply = client.call("/test.Echo/Nope", [1], timeoutMillis: 3000)
            #expect(reply.status == Int32(GRPCStatusCode.unimplemented.rawValue))
            #expect(reply.details == "unknown method /test.Echo/Nope")
        }
        #expect(handler.seen.withLock { $0.isEmpty })
    }

    @Test func oversizedRequestIsResourceExhausted() throws {
        let handler = RecordingHandler()
        let (server, target) = try start("big", handler: handler, maxRequestBytes: 100)
        defer { server.shutdown(grace: .seconds(1)) }
        let client = CoreTestClient(target: target)
        #expect(client.call("/test.Echo/Echo", Array(repeating: 7, count: 100)).status == 0)
        #expect(client.call("/test.Echo/Echo", Array(repeating: 7, count: 101)).status == Int32(GRPCStatusCode.resourceExhausted.rawValue))
        #expect(handler.seen.withLock { $0.count } == 1)
    }

    @Test func healthCheckFollowsServingState() throws {
        let (server, target) = try start("health", handler: RecordingHandler())
        defer { server.shutdown(grace: .seconds(1)) }
        let client = CoreTestClient(target: target)
        let request: [UInt8] = [0x0A, 0x09] + Array("test.Echo".utf8)
        #expect(client.call("/grpc.health.v1.Health/Check", request).message == [0x08, 0x01])
        #expect(client.call("/grpc.health.v1.Health/Check", []).message == [0x08, 0x01])
        server.setServing(false)
        #expect(server.isServing == false)
        #expect(client.call("/grpc.health.v1.Health/Check", request).message == [0x08, 0x02])
        let unknown: [UInt8] = [0x0A, 0x01, 0x78]
        #expect(client.call("/grpc.health.v1.Health/Check", unknown).status == Int32(GRPCStatusCode.notFound.rawValue))
    }

    @Test func shutdownLetsACallInFlightFinish() throws {
        let handler = RecordingHandler(delayMicros: 300_000)
        let (server, target) = try start("inflight", handler: handler)
        let reply = Mutex<CoreTestClient.Reply?>(nil)
        let thread = Thread { reply.withLock { $0 = CoreTestClient(target: target).call("/test.Echo/Echo", [42]) } }
        while handler.seen.withLock({ $0.isEmpty }) { usleep(1000) }
        #expect(server.shutdown(grace: .seconds(5)) == false)
        thread.join()
        #expect(reply.withLock { $0?.status } == 0)
        #expect(reply.withLock { $0?.message } == [42])
    }

    @Test func shutdownCancelsCallsPastTheGrace() throws {
        let handler = RecordingHandler(delayMicros: 600_000)
        let (server, target) = try start("cancel", handler: handler)
        let reply = Mutex<CoreTestClient.Reply?>(nil)
        let thread = Thread { reply.withLock { $0 = CoreTestClient(target: target).call("/test.Echo/Echo", [42]) } }
        while handler.seen.withLock({ $0.isEmpty }) { usleep(1000) }
        #expect(server.shutdown(grace: .milliseconds(50)) == true)
        thread.join()
        #expect(reply.withLock { $0?.status } != 0)
    }
}

/// A plain thread for a blocking client call.
final class Thread: @unchecked Sendable {
    private var handle = pthread_t()
    private let body: @Sendable () -> Void

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
        let box = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&handle, nil, { arg in
            let thread = Unmanaged<Thread>.fromOpaque(arg!).takeRetainedValue()
            thread.body()
            return nil
        }, box)
    }

    func join() { pthread_join(handle, nil) }
}
