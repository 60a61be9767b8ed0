import Synchronization

/// Verified tokens by the SHA-256 digest of the token text, each valid until its `exp` (plus the
/// leeway), at most `capacity` entries (oldest evicted first). Thread-safe.
///
/// A cache belongs to one `JWTVerifier`: an entry means "this exact token passed this verifier's
/// checks", so it must not be shared between verifiers with different configurations.
public final class VerifiedTokenCache: Sendable {
    struct Entry {
        var token: VerifiedJWT
        var validUntil: Double
    }

    struct State {
        var entries: [SHA256Digest: Entry] = [:]
        /// Insertion order, for eviction; may hold digests already gone (skipped when popped).
        var order: [SHA256Digest] = []
        var head = 0
        var hits = 0
        var misses = 0
    }

    public let capacity: Int
    let state = Mutex(State())

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// The cached token for `digest` if still valid at `now`; an expired entry is dropped.
    func lookup(_ digest: SHA256Digest, now: Double) -> VerifiedJWT? {
        state.withLock { s in
            guard let entry = s.entries[digest] else {
                s.misses += 1
                return nil
            }
            guard now < entry.validUntil else {
                s.entries[digest] = nil
                s.misses += 1
                return nil
            }
            s.hits += 1
            return entry.token
        }
    }

    func insert(_ digest: SHA256Digest, _ token: VerifiedJWT, validUntil: Double) {
        state.withLock { s in
            if s.entries[digest] == nil {
                while s.entries.count >= capacity, s.head < s.order.count {
                    let oldest = s.order[s.head]
                    s.head += 1
                    s.entries[oldest] = nil
                }
                s.order.append(digest)
            }
            s.entries[digest] = Entry(token: token, validUntil: validUntil)
            if s.head > capacity {
                // Compact the queue: keep only the digests still cached, in order.
                let live = s.order[s.head...].filter { s.entries[$0] != nil }
                var seen = Set<SHA256Digest>()
                s.order = live.filter { seen.insert($0).inserted }
                s.head = 0
            }
        }
    }

    /// Entries held now (expired ones are removed lazily).
    public var count: Int { state.withLock { $0.entries.count } }

    /// Lookups answered from the cache, and lookups that were not.
    public var statistics: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    /// Drops every entry (e.g. after a key set change that must revoke at once).
    public func removeAll() {
        state.withLock { s in
            s.entries.removeAll()
            s.order.removeAll()
            s.head = 0
        }
    }
}
