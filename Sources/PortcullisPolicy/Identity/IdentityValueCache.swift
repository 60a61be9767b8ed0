import CEL
import PortcullisIdentity
import Synchronization

/// One source's identity value, and the whole `identity` map for the usual request where that source is the
/// only one present (`{<name>: value}`), built with the value: a cached credential then costs no map at all.
struct IdentityOutput: Sendable {
    let value: CELValue
    /// nil: built when needed (values made per request, which are not reused).
    let alone: CELValue?

    init(_ value: CELValue, alone: CELValue? = nil) {
        self.value = value
        self.alone = alone
    }

    /// `value` with its `identity` map built now, for a value kept for reuse.
    init(_ value: CELValue, source: CELValue) {
        self.value = value
        alone = .map(CELMap([(source, value)]))
    }
}

/// The identity values of credentials already verified, by the SHA-256 digest of the credential, each until its
/// expiry: a repeated token or API key is neither verified nor converted to a CEL value again. At most `capacity`
/// entries; when full, the entries already expired are dropped, then (if still full) the whole cache. Thread-safe.
public final class IdentityValueCache: Sendable {
    struct Entry {
        let output: IdentityOutput
        let validUntil: Double
    }

    public let capacity: Int
    private let entries = Mutex<[SHA256Digest: Entry]>([:])

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func lookup(_ digest: SHA256Digest, now: Double) -> IdentityOutput? {
        entries.withLock { e in
            guard let entry = e[digest] else { return nil }
            guard now < entry.validUntil else {
                e[digest] = nil
                return nil
            }
            return entry.output
        }
    }

    func insert(_ digest: SHA256Digest, _ output: IdentityOutput, validUntil: Double, now: Double) {
        entries.withLock { e in
            if e[digest] == nil, e.count >= capacity {
                e = e.filter { now < $0.value.validUntil }
                if e.count >= capacity { e.removeAll(keepingCapacity: true) }
            }
            e[digest] = Entry(output: output, validUntil: validUntil)
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}
