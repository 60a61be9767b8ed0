import PortcullisModel
import Synchronization

/// The 401 of each policy whose `identity:` sources are all absent, built on first use and then shared: the
/// response names the policy and its sources, nothing of the request (copy on write: whoever adds to it gets a
/// copy).
///
/// Entries are filed by policy index and kept with the policy's name and sources, which a look-up compares: a
/// table owned by `IdentitySources.none` may serve several bundles, and then an index alone would not say which
/// policy it was built for.
final class UnmetIdentityResponses: Sendable {
    struct Entry {
        let policy: String
        let identity: [String]
        let decision: Decision
    }

    private let entries = Mutex<[Int32: Entry]>([:])

    /// The response for policy `id` (named `policy`, requiring `identity`), built by `make` when not yet built.
    func decision(_ id: Int32, policy: String, identity: [String], make: () -> Decision) -> Decision {
        let built = entries.withLock { e -> Decision? in
            guard let entry = e[id], entry.policy == policy, entry.identity == identity else { return nil }
            return entry.decision
        }
        if let built { return built }
        let decision = make()
        entries.withLock { $0[id] = Entry(policy: policy, identity: identity, decision: decision) }
        return decision
    }
}
