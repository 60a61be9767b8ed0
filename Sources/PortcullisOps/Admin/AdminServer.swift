import FlyingFox
import FlyingSocks
import Foundation

/// The admin HTTP endpoint (`--admin 127.0.0.1:9192`), on FlyingFox:
///
/// - `GET /healthz`: 200 `ok` while the process lives.
/// - `GET /readyz`: 200 `ready` once a bundle is active (and refreshed within `--max-bundle-age`), else 503 with the reason.
/// - `GET /metrics`: Prometheus text format.
/// - `GET /bundle`: `{"active", "revision", "source", "loaded_at", "from_persisted", "digest", "last_refresh", "last_failure"}`.
///
/// ```swift
/// let admin = try AdminServer(address: ListenAddress.parse(flag), metrics: metrics, store: store, maxBundleAge: 600)
/// let task = admin.start()
/// try await admin.waitUntilListening()
/// ```
public final class AdminServer: Sendable {
    /// What `/bundle` reports.
    public struct BundleStatus: Sendable {
        public var metadata: BundleMetadata?
        public var lastRefresh: Date?
        public var lastFailure: (at: Date, message: String)?

        public init(metadata: BundleMetadata?, lastRefresh: Date?, lastFailure: (at: Date, message: String)?) {
            self.metadata = metadata
            self.lastRefresh = lastRefresh
            self.lastFailure = lastFailure
        }
    }

    public let address: ListenAddress
    private let server: HTTPServer

    /// - readiness: evaluated on every `/readyz`.
    /// - bundle: evaluated on every `/bundle`.
    public init(
        address: ListenAddress, metrics: OpsMetrics, readiness: @escaping @Sendable () -> Readiness,
        bundle: @escaping @Sendable () -> BundleStatus
    ) throws(ConfigurationError) {
        self.address = address
        let config: HTTPServer.Configuration
        do {
            if address.isIPv6 {
                config = HTTPServer.Configuration(address: try sockaddr_in6.inet6(ip6: address.host, port: address.port), timeout: 10, logger: .disabled)
            } else {
                config = HTTPServer.Configuration(address: try sockaddr_in.inet(ip4: address.host, port: address.port), timeout: 10, logger: .disabled)
            }
        } catch {
            throw ConfigurationError("--admin: cannot use address \(address)")
        }
        server = HTTPServer(config: config, handler: AdminHandler(metrics: metrics, readiness: readiness, bundle: bundle))
    }


    /// An admin server over a ``BundleStore``: ready when it holds a bundle refreshed within `maxBundleAge`.
    public convenience init<Bundle: Sendable>(
        address: ListenAddress, metrics: OpsMetrics, store: BundleStore<Bundle>, maxBundleAge: TimeInterval? = nil
    ) throws(ConfigurationError) {
        try self.init(
            address: address, metrics: metrics, readiness: { store.readiness(maxAge: maxBundleAge) },
            bundle: { BundleStatus(metadata: store.current?.metadata, lastRefresh: store.lastRefresh, lastFailure: store.lastFailure) })
    }

    /// Serves until the task is cancelled or ``stop()`` is called.
    public func run() async throws {
        try await server.run()
    }

    /// Starts serving in a new task.
    public func start() -> Task<Void, any Error> {
        Task { try await run() }
    }

    public func waitUntilListening(timeout: TimeInterval = 5) async throws {
        try await server.waitUntilListening(timeout: timeout)
    }

    /// The bound port (useful with port 0).
    public func boundPort() async -> UInt16? {
        switch await server.listeningAddress {
        case .ip4(_, let port)?, .ip6(_, let port)?: return port
        default: return nil
        }
    }

    public func stop() async {
        await server.stop(timeout: 1)
    }
}

/// Routes the admin paths; anything else is 404, any method but GET/HEAD 405.
struct AdminHandler: HTTPHandler {
    let metrics: OpsMetrics
    let readiness: @Sendable () -> Readiness
    let bundle: @Sendable () -> AdminServer.BundleStatus

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return Self.text(.methodNotAllowed, "method not allowed\n")
        }
        switch request.path {
        case "/healthz":
            return Self.text(.ok, "ok\n")
        case "/readyz":
            let r = readiness()
            return Self.text(r.isReady ? .ok : .serviceUnavailable, r.reason + "\n")
        case "/metrics":
            return HTTPResponse(
                statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: Data(metrics.registry.emitToBuffer()))
        case "/bundle":
            return HTTPResponse(
                statusCode: .ok, headers: [.contentType: "application/json"],
                body: Data((AdminServer.bundleJSONText(bundle()) + "\n").utf8))
        default:
            return Self.text(.notFound, "not found\n")
        }
    }

    static func text(_ status: HTTPStatusCode, _ body: String) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [.contentType: "text/plain; charset=utf-8"], body: Data(body.utf8))
    }
}
