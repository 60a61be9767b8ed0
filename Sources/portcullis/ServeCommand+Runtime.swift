import ArgumentParser
import Foundation
import Logging
import PortcullisModel
import PortcullisOps
import PortcullisPolicy
import PortcullisTransport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension ServeCommand {
    /// The options that `PORTCULLIS_*` environment variables can also set.
    static let environmentOptions: [EnvironmentArguments.Option] = [
        .init("bundle"), .init("listen", .repeated), .init("threads"), .init("shutdown-grace"),
        .init("max-request-bytes"), .init("admin"), .init("decision-log"), .init("decision-log-sample-rate"),
        .init("decision-log-include-input", .flag), .init("mask-header", .repeated), .init("persist-dir"),
        .init("verification-key"), .init("poll-interval"), .init("max-bundle-age"),
        .init("tls-cert"), .init("tls-key"), .init("tls-client-ca"), .init("mask-field", .repeated),
        .init("verification-key-id"), .init("verification-scope"), .init("keep-startup-pages", .flag),
    ]

    /// Serves a real bundle: loaded, verified and compiled off the hot path, hot-reloaded from its
    /// source, with the admin endpoint, metrics and decision log when configured.
    func runWithBundle() throws {
        guard let bundle else { throw ValidationError("--bundle is required") }
        let settings: Settings
        do {
            settings = try Settings(self)
        } catch {
            ServeLog.write("error: \(error.description)")
            throw ExitCode(64)
        }
        let metrics = OpsMetrics()
        let store = BundleStore<CompiledBundle>()
        let source: any BundleSource
        do {
            // URLs are polled every --poll-interval; local files are watched every second (or faster).
            source = try BundleSources.make(
                bundle, poll: PollSchedule(interval: settings.pollInterval),
                local: PollSchedule(interval: min(settings.pollInterval, .seconds(1)), jitter: 0))
        } catch {
            ServeLog.write("error: --bundle \(bundle): \(error)")
            throw ExitCode(64)
        }
        // The identity sources of the bundle last activated: their JWKS refreshes stop when the next one replaces it.
        let activeIdentity = Mutex<IdentitySources?>(nil)
        // Set once serving: a reload then releases what loading touched (the first load is followed by startServer's release).
        let releaseAfterLoad = Atomic<Bool>(false)
        let keepStartupPages = keepStartupPages
        let manager = BundleManager(
            source: source, store: store,
            options: .init(verification: settings.verification, persistence: settings.persistence),
            metrics: metrics, logger: Logger(label: "portcullis.bundle")
        ) { directory in
            do {
                let compiled = try BundleLoader.load(path: directory)
                for warning in compiled.warnings { ServeLog.write(warning.description) }
                ServeLog.write("bundle \(compiled.name) revision \(compiled.revision): \(compiled.policyCount) policies, \(compiled.ruleCount) rules")
                // JWKS URLs of identity sources are fetched in the background from now on; a check never waits for them.
                // (A compiled bundle is always installed: the manager calls this only for new content.)
                compiled.identitySources.start { ok in metrics.recordJWKSRefresh(success: ok) }
                let previous = activeIdentity.withLock { active in
                    defer { active = compiled.identitySources }
                    return active
                }
                previous?.stop()
                if !keepStartupPages && releaseAfterLoad.load(ordering: .relaxed) { StartupPages.release() }
                return compiled
            } catch {
                throw ServeBundleError(description: "\(error)")
            }
        }
        let first = blockingAwait { await manager.start() }
        if case .failed(let stage, let message) = first, store.current == nil {
            ServeLog.write("error: bundle \(bundle) not loaded (\(stage.rawValue)): \(message)")
            // A directory or file that does not compile is an operator's error: refuse to start.
            // A URL source may simply be down: serve, not ready, and keep polling.
            if !(source.location.lowercased().hasPrefix("http://") || source.location.lowercased().hasPrefix("https://")) {
                throw ExitCode(2)
            }
        }
        let poller = manager.startPolling()

        let logger = settings.decisionLog.map { config -> DecisionLogger in
            let sink: any DecisionLogSink
            switch config.destination {
            case .stdout: sink = FileDescriptorSink.standardOutput()
            case .file(let path):
                do { sink = try FileDescriptorSink.appending(to: path) } catch {
                    ServeLog.write("error: \(error)")
                    Glibc.exit(64)
                }
            }
            return DecisionLogger(configuration: config, sink: sink, metrics: metrics)
        }
        let decider = LiveDecider(store: store, workers: threads, observer: CheckObserver(metrics: metrics, decisionLog: logger))
        let handler = ServeCheckHandler(workers: threads) { request, worker in decider.decide(request, worker: worker) }

        var adminServer: AdminServer?
        if let address = settings.admin {
            do {
                let server = try AdminServer(address: address, metrics: metrics, store: store, maxBundleAge: settings.maxBundleAge)
                _ = server.start()
                try blockingAwait { try await server.waitUntilListening() }
                ServeLog.write("admin endpoint at http://\(address)/ (/healthz /readyz /metrics /bundle)")
                adminServer = server
            } catch {
                ServeLog.write("error: --admin \(address): \(error)")
                throw ExitCode(1)
            }
        }

        let server = try startServer(handler: handler, metrics: metrics)
        releaseAfterLoad.store(true, ordering: .relaxed)
        // gRPC health follows readiness: SERVING only while a bundle is active and fresh enough.
        server.setServing(store.readiness(maxAge: settings.maxBundleAge).isReady)
        let readinessWatch = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                if Task.isCancelled { break }
                let ready = store.readiness(maxAge: settings.maxBundleAge).isReady
                if ready != server.isServing { server.setServing(ready) }
            }
        }

        stopOnSignal(server) {
            readinessWatch.cancel()
            poller.cancel()
        }
        if let adminServer { blockingAwait { await adminServer.stop() } }
        logger?.shutdown()
    }

    /// The `serve` options that configure operations, parsed and checked once at start.
    struct Settings: Sendable {
        var admin: ListenAddress?
        var decisionLog: DecisionLogger.Configuration?
        var persistence: BundlePersistence?
        var verification: BundleVerification?
        var pollInterval: Duration
        var maxBundleAge: TimeInterval?

        init(_ command: ServeCommand) throws(ConfigurationError) {
            admin = try command.admin.map { text throws(ConfigurationError) in try ListenAddress.parse(text, option: "--admin") }
            pollInterval = try DurationText.parse(command.pollInterval, option: "--poll-interval")
            maxBundleAge = try command.maxBundleAge.map { text throws(ConfigurationError) in
                DurationText.seconds(try DurationText.parse(text, option: "--max-bundle-age"))
            }
            if let path = command.decisionLog {
                decisionLog = DecisionLogger.Configuration(
                    destination: path == "stdout" || path == "-" ? .stdout : .file(path),
                    allowSampleRate: command.decisionLogSampleRate, includeInput: command.decisionLogIncludeInput,
                    masking: Masking(headers: command.maskHeader.map { $0.lowercased() }, fields: command.maskField))
            }
            if let dir = command.persistDir {
                do { persistence = try BundlePersistence(directory: dir) } catch let e as ConfigurationError { throw e } catch {
                    throw ConfigurationError("--persist-dir \(dir): \(error)")
                }
            }
            if let keyPath = command.verificationKey {
                guard let pem = try? String(contentsOfFile: keyPath, encoding: .utf8) else {
                    throw ConfigurationError("--verification-key \(keyPath): cannot read the file")
                }
                do { verification = BundleVerification(
                    verifier: try PEMSignatureVerifier(pem: pem), keyID: command.verificationKeyID, scope: command.verificationScope) } catch {
                    throw ConfigurationError("--verification-key \(keyPath): \(error)")
                }
            }
        }
    }
}

/// A bundle that did not compile, with every diagnostic.
struct ServeBundleError: Error, CustomStringConvertible {
    let description: String
}

/// Decides on worker threads against the active bundle, through each worker's own reader;
/// the observer records metrics and the decision log and returns the decision id to Envoy.
final class LiveDecider: @unchecked Sendable {
    // @unchecked: `readers[i]` is used only by worker `i`'s thread; the rest is Sendable.
    private let readers: [BundleStore<CompiledBundle>.Reader]
    private let observer: CheckObserver

    init(store: BundleStore<CompiledBundle>, workers: Int, observer: CheckObserver) {
        readers = (0..<max(1, workers)).map { _ in store.makeReader() }
        self.observer = observer
    }

    func decide(_ request: AuthzRequest, worker: Int) -> Decision? {
        guard readers.indices.contains(worker), let active = readers[worker].current() else { return nil }
        return observer.observe(request, bundleRevision: active.metadata.revision) { active.bundle.decide(request) }
    }
}

/// Runs async work to completion from synchronous code (start-up and shutdown only).
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) rethrows -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    switch box.result! {
    case .success(let value): return value
    case .failure(let error): try { throw error }()
    }
    fatalError("unreachable")
}

private final class ResultBox<T>: @unchecked Sendable {
    // Written once by the task before the semaphore is signalled, read after the wait.
    var result: Result<T, any Error>?
}
