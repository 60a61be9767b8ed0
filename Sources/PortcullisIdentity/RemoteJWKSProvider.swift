import Synchronization

/// A JWKS fetched from the identity provider's URL in the background.
///
/// Checks never wait on the network: `currentKeys()` returns the last good key set (nil until the
/// first fetch succeeds). A background task refreshes on `refreshInterval`; a token with an unknown
/// `kid` triggers an early refresh, at most once per `minimumRefreshInterval` (so a flood of bogus
/// kids cannot hammer the IdP). A failed or invalid fetch keeps the previous keys and is retried
/// after `retryInterval`. Fetching goes through an injectable `Fetcher`; the default uses
/// libcurl (`HTTPJWKSFetcher`).
public final class RemoteJWKSProvider: JWKSProvider {
    /// Fetches the document at a URL; throws on any transport or HTTP failure.
    public typealias Fetcher = @Sendable (_ url: String) async throws -> [UInt8]

    public struct Configuration: Sendable {
        public var refreshInterval: Double
        public var minimumRefreshInterval: Double
        public var retryInterval: Double
        public var maxDocumentBytes: Int

        public init(refreshInterval: Double = 300, minimumRefreshInterval: Double = 30, retryInterval: Double = 10,
                    maxDocumentBytes: Int = 1 << 20) {
            self.refreshInterval = refreshInterval
            self.minimumRefreshInterval = minimumRefreshInterval
            self.retryInterval = retryInterval
            self.maxDocumentBytes = maxDocumentBytes
        }
    }

    /// What the provider knows, for health endpoints and logs.
    public struct Status: Sendable {
        public var keyCount: Int
        /// When the current keys were fetched (seconds since the epoch), nil before the first success.
        public var loadedAt: Double?
        public var lastAttempt: Double?
        /// The last fetch's failure, nil after a success.
        public var lastError: String?
        public var fetches: Int
    }

    struct State {
        var keys: JWKSet?
        var loadedAt: Double?
        var lastAttempt: Double?
        var lastError: String?
        var fetches = 0
        var inFlight = false
        var loop: Task<Void, Never>?
        var observer: (@Sendable (Bool) -> Void)?
    }

    public let url: String
    public let configuration: Configuration
    let fetcher: Fetcher
    let clock: @Sendable () -> Double
    let state = Mutex(State())

    public init(url: String, configuration: Configuration = Configuration(), fetcher: @escaping Fetcher,
                clock: @escaping @Sendable () -> Double = SystemClock.now) {
        self.url = url
        self.configuration = configuration
        self.fetcher = fetcher
        self.clock = clock
    }

    deinit {
        state.withLock { $0.loop?.cancel() }
    }

    public func currentKeys() -> JWKSet? {
        state.withLock { $0.keys }
    }

    public func unknownKeyID(_ kid: String) {
        let now = clock()
        let go = state.withLock { s -> Bool in
            guard !s.inFlight else { return false }
            if let last = s.lastAttempt, now - last < configuration.minimumRefreshInterval { return false }
            return true
        }
        if go {
            Task.detached { [weak self] in await self?.refresh() }
        }
    }

    /// Calls `observer` after every fetch with whether keys were loaded (for metrics).
    public func observeRefreshes(_ observer: @escaping @Sendable (Bool) -> Void) {
        state.withLock { $0.observer = observer }
    }

    /// Starts the background refresh loop (idempotent). The first fetch starts at once.
    public func start() {
        state.withLock { s in
            guard s.loop == nil else { return }
            s.loop = Task.detached { [weak self] in
                while !Task.isCancelled {
                    guard let self else { return }
                    let ok = await self.refresh()
                    let wait = ok ? self.configuration.refreshInterval : self.configuration.retryInterval
                    try? await Task.sleep(nanoseconds: UInt64(max(0.01, wait) * 1e9))
                }
            }
        }
    }

    /// Stops the background loop.
    public func stop() {
        state.withLock { s in
            s.loop?.cancel()
            s.loop = nil
        }
    }

    /// Fetches now unless a fetch is already running; returns whether keys were loaded.
    @discardableResult
    public func refresh() async -> Bool {
        let now = clock()
        let claimed = state.withLock { s -> Bool in
            if s.inFlight { return false }
            s.inFlight = true
            s.lastAttempt = now
            s.fetches += 1
            return true
        }
        guard claimed else { return false }
        var loaded: JWKSet?
        var failure: String?
        do {
            let bytes = try await fetcher(url)
            if bytes.count > configuration.maxDocumentBytes {
                failure = "JWKS document larger than \(configuration.maxDocumentBytes) bytes"
            } else {
                let set = try JWKSet(json: bytes)
                if set.keys.isEmpty {
                    failure = "JWKS has no usable keys" + (set.skipped.isEmpty ? "" : " (\(set.skipped.joined(separator: "; ")))")
                } else {
                    loaded = set
                }
            }
        } catch {
            failure = "\(error)"
        }
        let finished = clock()
        let observer = state.withLock { s in
            s.inFlight = false
            if let loaded {
                s.keys = loaded
                s.loadedAt = finished
                s.lastError = nil
            } else {
                s.lastError = failure
            }
            return s.observer
        }
        observer?(loaded != nil)
        return loaded != nil
    }

    public var status: Status {
        state.withLock { s in
            Status(keyCount: s.keys?.keys.count ?? 0, loadedAt: s.loadedAt, lastAttempt: s.lastAttempt,
                   lastError: s.lastError, fetches: s.fetches)
        }
    }
}
