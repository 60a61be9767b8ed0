import CGRPC
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A gRPC server on the C core that hands unary request bytes to a `GRPCHandler` and
/// serves `grpc.health.v1.Health` itself. It runs from `init` until `shutdown`.
public final class GRPCServer: Sendable {
    /// The addresses listened on, with the ports actually bound (port 0 resolved).
    public let boundAddresses: [String]
    private let parts: Mutex<Parts?>
    private let health: HealthBoard

    /// The C handles and threads, released together by `shutdown`.
    private struct Parts: ~Copyable {
        var core: ServerCore
        var workers: [Worker]
        var threads: [pthread_t]
    }

    /// Starts serving. Throws `TransportError` when an address is invalid or taken, or the
    /// core refuses; nothing is left running then.
    public init(configuration: GRPCServerConfiguration, handler: some GRPCHandler) throws(TransportError) {
        try configuration.validate()
        var addresses: [ListenAddress] = []
        for text in configuration.listen { try addresses.append(ListenAddress(parsing: text)) }
        let health = HealthBoard(services: configuration.healthServices)

        let core = try ServerCore(maxRequestBytes: configuration.maxRequestBytes)
        var workers: [Worker] = []
        for i in 0..<configuration.threads {
            try workers.append(Worker(index: i, server: core.server, handler: handler, health: health))
        }
        var methods: [RegisteredMethod] = []
        for path in configuration.unaryMethods {
            try methods.append(RegisteredMethod(path: path, kind: .unary, handle: core.register(path), depth: configuration.callsPerWorker))
        }
        try methods.append(RegisteredMethod(path: HealthWire.checkMethod, kind: .healthCheck, handle: core.register(HealthWire.checkMethod), depth: 4))
        try methods.append(RegisteredMethod(path: HealthWire.watchMethod, kind: .healthWatch, handle: core.register(HealthWire.watchMethod), depth: 2))

        var bound: [String] = []
        for address in addresses { try bound.append(address.bound(port: core.listen(on: address, tls: configuration.tls))) }

        var threads: [pthread_t] = []
        do {
            for worker in workers { try threads.append(worker.spawn()) }
        } catch {
            for w in workers { w.requestStop() }
            for t in threads { pthread_join(t, nil) }
            throw error
        }
        core.start()
        for worker in workers { worker.arm(methods: methods, genericDepth: 2) }

        self.boundAddresses = bound
        self.health = health
        self.parts = Mutex(Parts(core: core, workers: workers, threads: threads))
    }

    deinit {
        shutdown(grace: .zero)
    }

    /// Whether health reports SERVING.
    public var isServing: Bool { health.isServing }

    /// Sets what health reports (SERVING or NOT_SERVING) and tells Watch streams.
    public func setServing(_ serving: Bool) {
        health.setServing(serving)
    }

    /// Stops serving: health turns NOT_SERVING (Watch streams get it, then end), new calls
    /// are refused, calls in flight get up to `grace` to finish and are then cancelled.
    /// Returns when every thread has stopped and every C handle is released; later calls
    /// do nothing. Returns whether calls had to be cancelled.
    @discardableResult
    public func shutdown(grace: Duration) -> Bool {
        guard let parts = parts.withLock({ $0.take() }) else { return false }
        health.finish()
        let cancelled = parts.core.shutdown(grace: grace)
        for worker in parts.workers { worker.requestStop() }
        for thread in parts.threads { pthread_join(thread, nil) }
        // Dropping `parts` destroys the workers' queues, then the server, then `grpc_shutdown`.
        _ = consume parts
        return cancelled
    }
}
