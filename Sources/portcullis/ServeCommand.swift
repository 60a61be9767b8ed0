import ArgumentParser
import PortcullisOps
import PortcullisTransport
#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve Envoy ext_authz v3 checks (gRPC) from a rule bundle.",
        discussion: """
            Listens for envoy.service.auth.v3.Authorization/Check and grpc.health.v1.Health.
            SIGTERM or SIGINT: health turns NOT_SERVING, new calls are refused, calls in flight
            get --shutdown-grace seconds to finish, then the process exits 0.
            """
    )

    @Option(name: .long, help: "Rule bundle: a directory, a .tar.gz archive or an http(s):// URL serving one. Reloaded when it changes.")
    var bundle: String?

    @Option(name: .long, help: "Address to listen on: host:port, [v6]:port or unix:/path. Repeatable. (default: 127.0.0.1:9191)")
    var listen: [String] = []

    @Option(name: .customLong("threads"), help: "Worker threads. (default: the number of cores)")
    var threadsOption: Int?

    /// --threads, else one per core (not written as a default: `--help` would show this machine's count).
    var threads: Int { threadsOption ?? GRPCServerConfiguration.defaultThreads }

    @Option(name: .customLong("shutdown-grace"), help: "Seconds calls in flight get to finish on shutdown.")
    var shutdownGrace: Double = 5

    @Option(name: .customLong("max-request-bytes"), help: "Largest request accepted; larger ones get RESOURCE_EXHAUSTED.")
    var maxRequestBytes: Int = 4 << 20

    @Option(name: .long, help: "Admin HTTP endpoint (/healthz, /readyz, /metrics, /bundle), host:port. Off when unset.")
    var admin: String?

    @Option(name: .customLong("decision-log"), help: "Decision log: 'stdout' or a file path to append JSON lines to. Off when unset.")
    var decisionLog: String?

    @Option(name: .customLong("decision-log-sample-rate"), help: "Fraction (0...1) of allowed decisions logged; denials are always logged.")
    var decisionLogSampleRate: Double = 1

    @Flag(name: .customLong("decision-log-include-input"), help: "Include the masked request (proto3 JSON CheckRequest) in each line, for replay with 'portcullis check'.")
    var decisionLogIncludeInput = false

    @Option(name: .customLong("mask-header"), help: "Another header to mask in decision logs (Authorization, Cookie and API-key headers always are). Repeatable.")
    var maskHeader: [String] = []

    @Option(name: .customLong("mask-field"), help: "Another JSON body field or query parameter to mask in decision logs (access_token, api_key, password, ... always are). Repeatable.")
    var maskField: [String] = []

    @Option(name: .customLong("persist-dir"), help: "Directory where the last good bundle is kept, and served from when the source is unreachable at start.")
    var persistDir: String?

    @Option(name: .customLong("verification-key"), help: "PEM public key (RSA, EC or Ed25519) that bundles must be signed with (.signatures.json). Unsigned bundles are refused when set.")
    var verificationKey: String?

    @Option(name: .customLong("verification-key-id"), help: "With --verification-key: the key id (JWS kid / payload keyid) signatures must name.")
    var verificationKeyID: String?

    @Option(name: .customLong("verification-scope"), help: "With --verification-key: the scope the signed payload must carry.")
    var verificationScope: String?

    @Option(name: .customLong("poll-interval"), help: "How often a bundle URL is polled for a new revision, e.g. 2s, 30s, 5m (with ±10% jitter). Directories and archives are watched every second.")
    var pollInterval: String = "10s"

    @Option(name: .customLong("max-bundle-age"), help: "Report not ready when no refresh has succeeded for this long, e.g. 10m. Off when unset.")
    var maxBundleAge: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain for TLS on the gRPC listener (with --tls-key). Re-read when the file changes. Plaintext when unset.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("tls-client-ca"), help: "PEM CA bundle: require client certificates that chain to it (mTLS). Needs --tls-cert.")
    var tlsClientCA: String?

    @Flag(name: .customLong("keep-startup-pages"), help: "Keep code used only at start-up and bundle loads resident. By default its pages are released once serving and after each reload (lower RSS; they come back from the page cache if used again).")
    var keepStartupPages = false

    @Option(name: .customLong("test-handler"), help: .private)
    var testHandler: ServeTestHandler.Kind?

    @Option(name: .customLong("test-authorizer"), help: .private)
    var testAuthorizer: ServeTestAuthorizer.Kind?

    @Option(name: .customLong("test-delay-ms"), help: .private)
    var testDelayMilliseconds: Int = 0

    func validate() throws {
        if bundle == nil && testHandler == nil && testAuthorizer == nil { throw ValidationError("--bundle is required") }
        if !(shutdownGrace >= 0 && shutdownGrace <= 3600) { throw ValidationError("--shutdown-grace must be 0...3600 seconds") }
        if threads < 1 || threads > 256 { throw ValidationError("--threads must be 1...256") }
        if maxRequestBytes < 1 || maxRequestBytes > Int(Int32.max) {
            throw ValidationError("--max-request-bytes must be 1...\(Int32.max)")
        }
        if !(decisionLogSampleRate >= 0 && decisionLogSampleRate <= 1) {
            throw ValidationError("--decision-log-sample-rate must be 0...1")
        }
        if (verificationKeyID != nil || verificationScope != nil) && verificationKey == nil {
            throw ValidationError("--verification-key-id and --verification-scope need --verification-key")
        }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if tlsClientCA != nil && tlsCert == nil { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
    }

    func run() throws {
        // Before anything starts a thread: the gRPC core's threads must not take these signals.
        TerminationSignals.block()
        if testHandler == nil && testAuthorizer == nil {
            return try runWithBundle()
        }
        let server = try startServer(handler: try makeHandler())
        stopOnSignal(server)
    }

    /// Starts the gRPC server on the configured addresses; a bind failure exits 1.
    func startServer(handler: some GRPCHandler, metrics: OpsMetrics? = nil) throws -> GRPCServer {
        try checkTLSFiles(metrics: metrics)
        let configuration = GRPCServerConfiguration(
            listen: listen.isEmpty ? ["127.0.0.1:9191"] : listen,
            unaryMethods: [CheckService.method],
            threads: threads,
            maxRequestBytes: maxRequestBytes,
            healthServices: CheckService.healthServices,
            tls: tlsConfiguration(metrics: metrics)
        )
        let server: GRPCServer
        do {
            server = try GRPCServer(configuration: configuration, handler: handler)
        } catch {
            ServeLog.write("error: \(error)")
            throw ExitCode(1)
        }
        // Everything start-up needed has run: hand its code pages and freed heap back before serving.
        if !keepStartupPages { StartupPages.release() }
        if let tls = configuration.tls {
            ServeLog.write("TLS on (\(tls.requiresClientCertificate ? "client certificates required" : "no client certificates asked"))")
        }
        for address in server.boundAddresses { ServeLog.write("listening on \(address)") }
        return server
    }

    /// Waits for SIGTERM or SIGINT, runs `beforeShutdown`, then shuts the server down within the grace period.
    func stopOnSignal(_ server: GRPCServer, beforeShutdown: () -> Void = {}) {
        let signal = TerminationSignals.wait()
        ServeLog.write("\(signal == SIGINT ? "SIGINT" : "SIGTERM") received: shutting down (grace \(shutdownGrace) s)")
        beforeShutdown()
        let cancelled = server.shutdown(grace: .milliseconds(Int64(shutdownGrace * 1000)))
        ServeLog.write(cancelled ? "stopped; calls still running after the grace period were cancelled" : "stopped")
    }

    private func makeHandler() throws -> any GRPCHandler {
        if let testHandler {
            return ServeTestHandler(kind: testHandler, delayMilliseconds: testDelayMilliseconds)
        }
        guard let testAuthorizer else { throw ValidationError("--bundle is required") }
        return ServeCheckHandler(authorizer: ServeTestAuthorizer(kind: testAuthorizer), workers: threads)
    }
}

/// Lines for operators on stderr.
enum ServeLog {
    static func write(_ line: String) {
        var text = "portcullis serve: \(line)\n"
        text.withUTF8 { p in
            var offset = 0
            while offset < p.count {
                let n = Glibc.write(2, p.baseAddress! + offset, p.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}
