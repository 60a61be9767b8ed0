import PortcullisModel

/// A decision with the reasons behind it.
public struct Explanation: Sendable {
    public var decision: Decision
    public var entries: [ExplainEntry]
}

/// One policy selector or rule the index offered, and how it fared.
public struct ExplainEntry: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case matched
        /// The first part that failed: `selector.hosts`, `from[0].principals`, `to[1].paths`, `when[2]: <expr>`.
        case failed(String)
        /// A condition could not be evaluated; the rule failed closed (matched for deny, not for allow).
        case error(String)
    }

    public var policy: String
    /// nil for the policy's selector.
    public var rule: String?
    public var action: String
    public var dryRun: Bool
    public var outcome: Outcome
}
