#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Holds the active compiled bundle and swaps it atomically.
///
/// Readers on the hot path use a per-worker ``Reader``: one atomic load of the generation
/// counter per call, and the shared lock only in the first call after a swap. A check keeps
/// the ``ActiveBundle`` it started with; a swap never waits for checks to finish.
///
/// ```swift
/// let store = BundleStore<any Authorizer>()
/// // per worker thread:
/// let reader = store.makeReader()
/// guard let active = reader.current() else { /* not ready: deny or UNAVAILABLE */ }
/// let decision = active.bundle.decide(request)
/// ```
public final class BundleStore<Bundle: Sendable>: Sendable {
    private struct Slot {
        var active: ActiveBundle<Bundle>?
        var nextGeneration: UInt64 = 1
        var lastRefresh: Date?
        var lastFailure: (at: Date, message: String)?
    }

    private let slot = Mutex(Slot())
    private let published = Atomic<UInt64>(0)

    public init() {}

    /// Makes `bundle` the active one and counts as a successful refresh. Returns the new active bundle.
    @discardableResult
    public func install(_ bundle: Bundle, metadata: BundleMetadata) -> ActiveBundle<Bundle> {
        let active = slot.withLock { s -> ActiveBundle<Bundle> in
            let a = ActiveBundle(bundle: bundle, metadata: metadata, generation: s.nextGeneration)
            s.nextGeneration += 1
            s.active = a
            s.lastRefresh = metadata.loadedAt
            // Published inside the lock so concurrent installs publish in order.
            published.store(a.generation, ordering: .releasing)
            return a
        }
        return active
    }

    /// The active bundle, through the shared lock. Use a ``Reader`` on hot paths.
    public var current: ActiveBundle<Bundle>? { slot.withLock { $0.active } }

    /// The generation of the active bundle; 0 before the first install.
    public var generation: UInt64 { published.load(ordering: .acquiring) }

    /// Records a refresh that found the source unchanged (e.g. HTTP 304): it keeps `--max-bundle-age` readiness.
    public func recordRefresh(at date: Date = Date()) {
        slot.withLock { $0.lastRefresh = date }
    }

    /// Records a failed refresh (kept for `/bundle`); the active bundle stays.
    public func recordFailure(_ message: String, at date: Date = Date()) {
        slot.withLock { $0.lastFailure = (date, message) }
    }

    /// The time of the last successful refresh (a swap or an unchanged source).
    public var lastRefresh: Date? { slot.withLock { $0.lastRefresh } }

    /// The last failed refresh, if any.
    public var lastFailure: (at: Date, message: String)? { slot.withLock { $0.lastFailure } }

    /// Ready once a bundle is active and, when `maxAge` is set, refreshed within it.
    public func readiness(maxAge: TimeInterval?, now: Date = Date()) -> Readiness {
        let (hasBundle, last) = slot.withLock { ($0.active != nil, $0.lastRefresh) }
        guard hasBundle else { return .noBundle }
        if let maxAge, let last {
            let age = now.timeIntervalSince(last)
            if age > maxAge { return .stale(age: age) }
        }
        return .ready
    }

    /// A reader for one worker thread.
    public func makeReader() -> Reader { Reader(store: self) }

    /// A per-thread cache of the active bundle. Not shareable between threads: make one per worker.
    public final class Reader {
        private let store: BundleStore<Bundle>
        private var cached: ActiveBundle<Bundle>?
        private var cachedGeneration: UInt64 = 0

        init(store: BundleStore<Bundle>) { self.store = store }

        /// The active bundle: an atomic load, plus the store's lock only after a swap.
        public func current() -> ActiveBundle<Bundle>? {
            let g = store.published.load(ordering: .acquiring)
            if g != cachedGeneration {
                cached = store.current
                cachedGeneration = cached?.generation ?? 0
            }
            return cached
        }
    }
}
