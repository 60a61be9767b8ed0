#if canImport(Glibc)
import Glibc
#endif

/// How a `GRPCServer` listens and serves.
public struct GRPCServerConfiguration: Sendable {
    /// Addresses to listen on: `host:port` (port 0 picks a free one), `[::1]:port`, `unix:/path`.
    public var listen: [String]
    /// Full paths of the unary methods handed to the handler, e.g. `/pkg.Service/Method`.
    public var unaryMethods: [String]
    /// Worker threads, each with its own completion queue.
    public var threads: Int
    /// Calls kept requested in advance per unary method and worker.
    public var callsPerWorker: Int
    /// Largest request message accepted; larger ones get RESOURCE_EXHAUSTED from the core.
    public var maxRequestBytes: Int
    /// Service names `grpc.health.v1.Health` reports on ("" is the server as a whole).
    public var healthServices: [String]
    /// TLS (mTLS with a client CA) on every listen address; plaintext when nil.
    public var tls: TLSConfiguration?

    public init(
        listen: [String] = ["127.0.0.1:9191"],
        unaryMethods: [String],
        threads: Int = GRPCServerConfiguration.defaultThreads,
        callsPerWorker: Int = 32,
        maxRequestBytes: Int = 4 << 20,
        healthServices: [String] = [""],
        tls: TLSConfiguration? = nil
    ) {
        self.listen = listen
        self.unaryMethods = unaryMethods
        self.threads = threads
        self.callsPerWorker = callsPerWorker
        self.maxRequestBytes = maxRequestBytes
        self.healthServices = healthServices
        self.tls = tls
    }

    /// The number of online processors (at least 1).
    public static var defaultThreads: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    func validate() throws(TransportError) {
        if listen.isEmpty { throw .invalidConfiguration("no listen address") }
        if threads < 1 || threads > 256 { throw .invalidConfiguration("threads must be 1...256, got \(threads)") }
        if callsPerWorker < 1 || callsPerWorker > 1024 {
            throw .invalidConfiguration("callsPerWorker must be 1...1024, got \(callsPerWorker)")
        }
        if maxRequestBytes < 1 || maxRequestBytes > Int(Int32.max) {
            throw .invalidConfiguration("maxRequestBytes must be 1...\(Int32.max), got \(maxRequestBytes)")
        }
        for m in unaryMethods where !GRPCServerConfiguration.isMethodPath(m) {
            throw .invalidConfiguration("method path must look like /package.Service/Method, got '\(m)'")
        }
        let reserved = Set([HealthWire.checkMethod, HealthWire.watchMethod])
        if unaryMethods.contains(where: reserved.contains) {
            throw .invalidConfiguration("the health methods are served by the transport itself")
        }
        if Set(unaryMethods).count != unaryMethods.count { throw .invalidConfiguration("duplicate method path") }
    }

    static func isMethodPath(_ m: String) -> Bool {
        let parts = m.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0].isEmpty && !parts[1].isEmpty && !parts[2].isEmpty
    }
}
