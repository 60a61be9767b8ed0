#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

/// Fetches, verifies, compiles and swaps bundles, off the hot path.
///
/// A bundle that fails to download, verify or compile never replaces the active one: the failure is
/// logged, counted (`portcullis_bundle_load_failures_total`) and remembered in the store, and the last
/// good bundle stays in force. The last good bundle is persisted when ``Options/persistence`` is set,
/// and loaded from there by ``start()`` when the source cannot be read at start.
///
/// ```swift
/// let manager = BundleManager(source: try BundleSources.make(bundleFlag), store: store,
///                             options: .init(verification: v, persistence: p), metrics: metrics, logger: logger) { dir in
///     try PolicyLoader.load(directory: dir)     // compile: (String) throws -> Bundle
/// }
/// await manager.start()                 // first load (or the persisted bundle)
/// let poller = manager.startPolling()   // later refreshes; poller.cancel() to stop
/// ```
public final class BundleManager<Bundle: Sendable>: Sendable {
    /// Compiles an unpacked, verified bundle directory. Called off the hot path.
    public typealias Loader = @Sendable (_ directory: String) throws -> Bundle

    public struct Options: Sendable {
        /// When set, unsigned, tampered or wrongly signed bundles are refused.
        public var verification: BundleVerification?
        /// When set, the last good bundle is saved there and used when the source is unreachable at start.
        public var persistence: BundlePersistence?

        public init(verification: BundleVerification? = nil, persistence: BundlePersistence? = nil) {
            self.verification = verification
            self.persistence = persistence
        }
    }

    /// Where a refresh failed.
    public enum Stage: String, Sendable {
        case fetch, verify, compile, persist
    }

    public enum RefreshOutcome: Sendable, Equatable {
        /// The source holds what is active (HTTP 304, same files or same content).
        case unchanged
        /// A new bundle is active.
        case swapped(revision: String)
        /// The refresh failed; the active bundle (if any) stays.
        case failed(Stage, String)
    }

    public let source: any BundleSource
    public let store: BundleStore<Bundle>
    public let options: Options
    private let loader: Loader
    private let metrics: OpsMetrics?
    private let logger: Logger
    private let failures = Atomic<Int>(0)
    /// The source's current content was refused (verify, compile): an unchanged poll (a 304, same
    /// files) then still holds that content and is not a successful refresh.
    private let holdsRefused = Atomic<Bool>(false)

    public init(
        source: any BundleSource, store: BundleStore<Bundle>, options: Options = Options(), metrics: OpsMetrics? = nil,
        logger: Logger = Logger(label: "portcullis.bundle"), loader: @escaping Loader
    ) {
        self.source = source
        self.store = store
        self.options = options
        self.metrics = metrics
        self.logger = logger
        self.loader = loader
    }

    /// Failed refreshes since the last successful one.
    public var consecutiveFailures: Int { failures.load(ordering: .relaxed) }

    /// The first load: a refresh from the source, and when that fails with no bundle active,
    /// the persisted bundle (verified and compiled like any other). Returns the outcome of the last attempt.
    @discardableResult
    public func start() async -> RefreshOutcome {
        let first = await refresh()
        guard case .failed = first, store.current == nil, let persistence = options.persistence else { return first }
        let loaded: (BundleCandidate, BundlePersistence.Saved?)?
        do {
            loaded = try persistence.load()
        } catch {
            return fail(.fetch, "persisted bundle: \(error)", sourceLabel: "persisted")
        }
        guard let (candidate, saved) = loaded else { return first }
        defer { candidate.discard() }
        logger.warning("bundle source unreachable at start; serving the persisted bundle", metadata: [
            "source": "\(source.location)", "persisted_revision": "\(saved?.revision ?? "?")",
        ])
        return install(candidate, sourceLabel: "persisted", fromPersisted: true)
    }

    /// Polls the source once and swaps in a new bundle when there is one.
    @discardableResult
    public func refresh() async -> RefreshOutcome {
        let result: BundleFetchResult
        do {
            result = try await source.fetch()
        } catch {
            return fail(.fetch, "\(error)", sourceLabel: source.kind.rawValue)
        }
        switch result {
        case .unchanged:
            // Still the refused content: the last good bundle stays, but it is not fresh.
            if holdsRefused.load(ordering: .relaxed) { return .unchanged }
            markRefreshed()
            return .unchanged
        case .candidate(let candidate):
            defer { candidate.discard() }
            let outcome = install(candidate, sourceLabel: source.kind.rawValue, fromPersisted: false)
            if case .failed = outcome {
                holdsRefused.store(true, ordering: .relaxed)
            } else {
                holdsRefused.store(false, ordering: .relaxed)
            }
            return outcome
        }
    }

    /// Polls until the returned task is cancelled, waiting ``BundleSource/nextPollDelay(consecutiveFailures:)`` between polls.
    public func startPolling() -> Task<Void, Never> {
        Task.detached { [self] in
            while !Task.isCancelled {
                let delay = source.nextPollDelay(consecutiveFailures: consecutiveFailures)
                do { try await Task.sleep(for: delay) } catch { return }
                await refresh()
            }
        }
    }

    private func install(_ candidate: BundleCandidate, sourceLabel: String, fromPersisted: Bool) -> RefreshOutcome {
        let content: BundleContent
        do {
            content = try BundleContent.read(directory: candidate.directory, followSymlinks: candidate.followSymlinks)
        } catch {
            return fail(.fetch, "\(error)", sourceLabel: sourceLabel)
        }
        if let verification = options.verification {
            do {
                try verification.verify(directory: candidate.directory, content: content)
            } catch {
                return fail(.verify, error.description, sourceLabel: sourceLabel)
            }
        }
        if let active = store.current, active.metadata.digest == content.digest {
            if active.metadata.fromPersisted && !fromPersisted {
                // The source is back with the same bundle: no longer serving from the persisted copy.
                var meta = active.metadata
                meta.fromPersisted = false
                meta.source = source.location
                store.install(active.bundle, metadata: meta)
            }
            markRefreshed()
            return .unchanged
        }
        let bundle: Bundle
        do {
            bundle = try loader(candidate.directory)
        } catch {
            return fail(.compile, "\(error)", sourceLabel: sourceLabel)
        }
        let metadata = BundleMetadata(
            revision: content.revision, source: source.location, loadedAt: Date(), digest: content.digest, fromPersisted: fromPersisted)
        store.install(bundle, metadata: metadata)
        failures.store(0, ordering: .relaxed)
        metrics?.recordBundleLoad(source: sourceLabel)
        metrics?.setActiveBundle(revision: metadata.revision, source: sourceLabel)
        metrics?.recordBundleRefresh(at: metadata.loadedAt)
        logger.info("bundle activated", metadata: [
            "revision": "\(metadata.revision)", "source": "\(source.location)", "persisted": "\(fromPersisted)",
        ])
        if !fromPersisted, let persistence = options.persistence {
            do {
                try persistence.save(candidate, metadata: metadata)
            } catch {
                // The bundle is active; only the copy for the next restart is missing.
                metrics?.recordBundleFailure(source: sourceLabel, stage: Stage.persist.rawValue)
                logger.error("cannot persist bundle", metadata: ["error": "\(error)", "dir": "\(persistence.directory)"])
            }
        }
        return .swapped(revision: metadata.revision)
    }

    private func markRefreshed() {
        let now = Date()
        store.recordRefresh(at: now)
        metrics?.recordBundleRefresh(at: now)
        failures.store(0, ordering: .relaxed)
    }

    private func fail(_ stage: Stage, _ message: String, sourceLabel: String) -> RefreshOutcome {
        failures.add(1, ordering: .relaxed)
        store.recordFailure("\(stage.rawValue): \(message)")
        metrics?.recordBundleFailure(source: sourceLabel, stage: stage.rawValue)
        logger.error("bundle refresh failed; the active bundle stays", metadata: [
            "stage": "\(stage.rawValue)", "source": "\(source.location)", "error": "\(message)",
            "active_revision": "\(store.current?.metadata.revision ?? "none")",
        ])
        return .failed(stage, message)
    }
}
