#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The admin HTTP endpoint (`--admin 127.0.0.1:9192`), on swift-nio's HTTP/1.1 pipeline
/// (`AdminHTTPServer`: GET and HEAD, one request per connection):
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
    private let server: AdminHTTPServer

    /// - readiness: evaluated on every `/readyz`.
    /// - bundle: evaluated on every `/bundle`.
    public init(
        address: ListenAddress, metrics: OpsMetrics, readiness: @escaping @Sendable () -> Readiness,
        bundle: @escaping @Sendable () -> BundleStatus
    ) throws(ConfigurationError) {
        self.address = address
        let routes = AdminRoutes(metrics: metrics, readiness: readiness, bundle: bundle)
        server = AdminHTTPServer(address: address) { method, path in routes.respond(method: method, path: path) }
    }

    /// An admin server over a ``BundleStore``: ready when it holds a bundle refreshed within `maxBundleAge`.
    public convenience init<Bundle: Sendable>(
        address: ListenAddress, metrics: OpsMetrics, store: BundleStore<Bundle>, maxBundleAge: TimeInterval? = nil
    ) throws(ConfigurationError) {
        try self.init(
            address: address, metrics: metrics, readiness: { store.readiness(maxAge: maxBundleAge) },
            bundle: { BundleStatus(metadata: store.current?.metadata, lastRefresh: store.lastRefresh, lastFailure: store.lastFailure) })
    }

    /// Serves until the task is cancelled or ``stop()`` is called; throws when the address cannot be used.
    public func run() async throws {
        try await server.run()
    }

    /// Starts listening at once (the outcome is what ``waitUntilListening(timeout:)`` reports) and
    /// serving on a thread of its own; the task ends when the server stops.
    public func start() -> Task<Void, any Error> {
        try? server.listen()
        return Task { try await run() }
    }

    /// Returns once the socket is listening; throws if binding failed or `timeout` passed first.
    public func waitUntilListening(timeout: TimeInterval = 5) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if server.boundPort != nil { return }
            if let failure = server.failure { throw ConfigurationError(failure) }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw ConfigurationError("--admin \(address): not listening after \(timeout) s")
    }

    /// The bound port (useful with port 0).
    public func boundPort() async -> UInt16? {
        server.boundPort
    }

    public func stop() async {
        await server.stop()
    }
}

/// Routes the admin paths; anything else is 404, any method but GET/HEAD 405.
struct AdminRoutes: Sendable {
    let metrics: OpsMetrics
    let readiness: @Sendable () -> Readiness
    let bundle: @Sendable () -> AdminServer.BundleStatus

    func respond(method: String, path: String) -> AdminHTTPServer.Response {
        guard method == "GET" || method == "HEAD" else { return Self.text(405, "method not allowed\n") }
        switch path {
        case "/healthz":
            return Self.text(200, "ok\n")
        case "/readyz":
            let r = readiness()
            return Self.text(r.isReady ? 200 : 503, r.reason + "\n")
        case "/metrics":
            return AdminHTTPServer.Response(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.registry.emitToBuffer())
        case "/bundle":
            return AdminHTTPServer.Response(
                status: 200, contentType: "application/json", body: Array((AdminServer.bundleJSONText(bundle()) + "\n").utf8))
        default:
            return Self.text(404, "not found\n")
        }
    }

    static func text(_ status: Int, _ body: String) -> AdminHTTPServer.Response {
        AdminHTTPServer.Response(status: status, contentType: "text/plain; charset=utf-8", body: Array(body.utf8))
    }
}
