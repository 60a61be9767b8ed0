import CEL
import PortcullisIdentity
import Synchronization

/// The identity values of credentials already verified, by the SHA-256 digest of the credential, each until its
/// expiry: a repeated token or API key is neither verified nor converted to a CEL value again. At most `capacity`
/// entries; when full, the entries already expired are dropped, then (if still full) the whole cache. Thread-safe.
public final class IdentityValueCache: Sendable {
    struct Entry {
        let value: CELValue
        let validUntil: Double
    }

    public let capacity: Int
    private let entries = Mutex<[SHA256Digest: Entry]>([:])

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func lookup(_ digest: SHA256Digest, now: Double) -> CELValue? {
        entries.withLock { e in
            guard let entry = e[digest] else { return nil }
            guard now < entry.validUntil else {
                e[digest] = nil
                return nil
            }
            return entry.value
        }
    }

    func insert(_ digest: SHA256Digest, _ value: CELValue, validUntil: Double, now: Double) {
        entries.withLock { e in
            if e[digest] == nil, e.count >= capacity {
                e = e.filter { now < $0.value.validUntil }
                if e.count >= capacity { e.removeAll(keepingCapacity: true) }
            }
            e[digest] = Entry(value: value, validUntil: validUntil)
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}
