import CEL
import PortcullisModel

/// A loaded, checked and compiled bundle: immutable, safe to share between threads, and an `Authorizer`.
public final class CompiledBundle: Authorizer, Sendable {
    public let name: String
    public let revision: String
    public let description: String
    /// Warnings found while loading (a bundle with errors is never compiled).
    public let warnings: [Diagnostic]
    /// The bundle's own tests (`tests/*.yaml`).
    public let tests: [PolicyTest]

    let policies: [CompiledPolicy]
    let rules: [CompiledRule]
    /// The same objects, unretained: a decision reads them through these without reference counting (a read out of
    /// `policies`/`rules` retains and releases the object). Valid while the arrays above hold the objects: as long as
    /// the bundle lives.
    let policyRefs: [Unmanaged<CompiledPolicy>]
    let ruleRefs: [Unmanaged<CompiledRule>]
    let table: VariableTable
    let data: CELValue
    let defaultAllow: Bool
    let selectorIndex: CandidateIndex
    let ruleIndex: CandidateIndex
    /// The identity sources of `identity.yaml`, applied before the policies run.
    public let identitySources: IdentitySources
    /// Every policy and rule id, for the reference evaluation.
    let allPolicies: [Int32]
    let allRules: [Int32]
    /// Whether any policy or rule is in dry-run (otherwise the shadow verdict is the enforced one).
    let hasDryRun: Bool
    /// `[rule.name]` per rule: a decision made by one rule lists it without building a new array.
    let ruleNameLists: [[String]]
    /// Whether any enforced policy names identity sources it requires (otherwise nothing to check per decision).
    let hasIdentityRequirements: Bool

    init(
        manifest: ManifestSpec, policies: [CompiledPolicy], rules: [CompiledRule], table: VariableTable, data: CELValue,
        tests: [PolicyTest], warnings: [Diagnostic], identity: IdentitySources = .none
    ) {
        identitySources = identity
        name = manifest.name
        revision = manifest.revision
        description = manifest.description
        defaultAllow = manifest.defaultAllow
        self.policies = policies
        self.rules = rules
        policyRefs = policies.map { Unmanaged.passUnretained($0) }
        ruleRefs = rules.map { Unmanaged.passUnretained($0) }
        self.table = table
        self.data = data
        self.tests = tests
        self.warnings = warnings
        var selectors = CandidateIndex()
        for (i, p) in policies.enumerated() {
            let options = p.selector.map { CandidateIndex.options(alternatives: [$0]) } ?? []
            selectors.add(item: Int32(i), options: options)
        }
        var ruleIndex = CandidateIndex()
        for (i, r) in rules.enumerated() {
            let options =
                (r.from.isEmpty ? [] : CandidateIndex.options(alternatives: r.from))
                + (r.to.isEmpty ? [] : CandidateIndex.options(alternatives: r.to))
            ruleIndex.add(item: Int32(i), options: options)
        }
        selectorIndex = selectors
        self.ruleIndex = ruleIndex
        allPolicies = (0..<policies.count).map(Int32.init)
        allRules = (0..<rules.count).map(Int32.init)
        hasDryRun = policies.contains(where: \.dryRun) || rules.contains(where: \.dryRun)
        ruleNameLists = rules.map { [$0.name] }
        hasIdentityRequirements = policies.contains { !$0.identity.isEmpty && !$0.dryRun }
    }

    public var policyCount: Int { policies.count }
    public var ruleCount: Int { rules.count }
    public var policyNames: [String] { policies.map(\.name) }

    /// Decides on a request, consulting only the rules the index offers.
    public func decide(_ request: AuthzRequest) -> Decision {
        var trace: [ExplainEntry]?
        return evaluateWithIdentity(request, indexed: true, trace: &trace)
    }

    /// Decides with the outputs of identity sources bound to `identity` in expressions (`identity.jwt.claims.sub`):
    /// the hook for the identity layer, which verifies credentials before the policies run.
    public func decide(_ request: AuthzRequest, identity: CELValue) -> Decision {
        var trace: [ExplainEntry]?
        return evaluate(request, indexed: true, identity: identity, trace: &trace)
    }

    /// The identity sources each policy names in its `identity:` field, by policy name.
    public var identityRequirements: [String: [String]] {
        var out: [String: [String]] = [:]
        for p in policies where !p.identity.isEmpty { out[p.name] = p.identity }
        return out
    }

    /// Decides and explains: for every rule the index offered, whether it matched and, if not, why.
    public func explain(_ request: AuthzRequest) -> Explanation {
        var trace: [ExplainEntry]? = []
        let decision = evaluateWithIdentity(request, indexed: true, trace: &trace)
        return Explanation(decision: decision, entries: trace ?? [])
    }

    /// The same decision computed without the index, by evaluating every policy and rule.
    public func decideWithoutIndex(_ request: AuthzRequest) -> Decision {
        var trace: [ExplainEntry]?
        return evaluateWithIdentity(request, indexed: false, trace: &trace)
    }
}
