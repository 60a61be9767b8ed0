import PortcullisIdentity
import Synchronization

/// Bearer tokens that failed verification, by the SHA-256 digest of the token, for a short time: a bad token
/// sent again (a client retrying an expired token, a forged token replayed) is refused without a second RSA
/// verification.
///
/// Only failures that no later check could turn into a success are kept (`IdentitySource.lastingFailure`), and
/// each only for `lifetime` seconds from when it was seen; an entry is never used at a time earlier than that
/// (a clock set back verifies again). A cached failure only ever answers 401 for the very token that failed:
/// it never yields an identity. At most `capacity` entries; when full, the entries already stale are dropped,
/// then (if still full) all of them. Thread-safe.
final class IdentityFailureCache: Sendable {
    struct Entry {
        let failure: IdentityFailure
        /// Whether the token is one of the source's issuers (see `IdentitySourceOutcome.invalid`).
        let ownsCredential: Bool
        let seenAt: Double
    }

    /// How long a failure is remembered, in seconds.
    static let lifetime: Double = 60

    let capacity: Int
    private let entries = Mutex<[SHA256Digest: Entry]>([:])

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func lookup(_ digest: SHA256Digest, now: Double) -> Entry? {
        entries.withLock { e in
            guard let entry = e[digest] else { return nil }
            guard Self.isFresh(entry, now: now) else {
                e[digest] = nil
                return nil
            }
            return entry
        }
    }

    func insert(_ digest: SHA256Digest, _ failure: IdentityFailure, ownsCredential: Bool, now: Double) {
        entries.withLock { e in
            if e[digest] == nil, e.count >= capacity {
                e = e.filter { Self.isFresh($0.value, now: now) }
                if e.count >= capacity { e.removeAll(keepingCapacity: true) }
            }
            e[digest] = Entry(failure: failure, ownsCredential: ownsCredential, seenAt: now)
        }
    }

    private static func isFresh(_ entry: Entry, now: Double) -> Bool {
        now >= entry.seenAt && now < entry.seenAt + lifetime
    }

    var count: Int { entries.withLock { $0.count } }
}
