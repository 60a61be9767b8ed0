import CEL
import PortcullisModel

/// How one selected policy's rules came out for a request.
struct PolicyOutcome {
    let policy: Int
    var deny: [Int] = []
    var allow: [Int] = []
    var dryDeny: [Int] = []
    var dryAllow: [Int] = []
    var audit: [Int] = []

    /// Any matching deny denies; otherwise any matching allow allows; otherwise the policy's default.
    func verdict(_ p: CompiledPolicy, includeDryRun: Bool) -> (allowed: Bool, rules: [Int]) {
        let denies = includeDryRun ? deny + dryDeny : deny
        if !denies.isEmpty { return (false, denies) }
        let allows = includeDryRun ? allow + dryAllow : allow
        if !allows.isEmpty { return (true, allows) }
        return (p.defaultAllow, [])
    }
}

/// The combined verdict of the selected policies.
struct BundleVerdict {
    var allowed: Bool
    /// The deciding policy (the first denying one, or the first allowing one); nil when none was selected.
    var policy: Int?
    var rules: [Int]
    /// On allow: every allowing policy with its allow rules, for the response.
    var allowing: [(policy: Int, rules: [Int])]
}

extension CompiledBundle {
    func evaluate(
        _ request: AuthzRequest, indexed: Bool, identity: CELValue? = nil, trace: inout [ExplainEntry]?
    ) -> Decision {
        let facts = RequestFacts(request)
        let activation = RequestActivation(facts: facts, table: table, data: data)
        activation.identity = identity
        var errors: [String] = []

        // 1. The policies whose selectors match.
        var selected: [Int] = []
        for id in indexed ? selectorIndex.candidates(facts) : allPolicies {
            let p = policies[Int(id)]
            if let selector = p.selector, let failed = selector.firstFailure(facts) {
                trace?.append(ExplainEntry(policy: p.name, rule: nil, action: "select", dryRun: p.dryRun, outcome: .failed("selector.\(failed.key)")))
                continue
            }
            selected.append(Int(id))
            trace?.append(ExplainEntry(policy: p.name, rule: nil, action: "select", dryRun: p.dryRun, outcome: .matched))
        }

        // A selected policy whose `identity:` sources are all absent: 401 before any rule runs.
        if let unmet = unmetIdentityRequirement(selected, identity: identity) { return unmet }

        // 2. Their rules that can match.
        var outcomes = selected.map { PolicyOutcome(policy: $0) }
        for id in indexed ? ruleIndex.candidates(facts) : allRules {
            let rule = rules[Int(id)]
            guard let slot = Self.position(of: rule.policy, in: selected) else { continue }
            let policy = policies[rule.policy]
            let result = match(rule, facts: facts, activation: activation)
            var matched = false
            switch result {
            case .matched:
                matched = true
            case .failed:
                break
            case .error(let message):
                matched = rule.action != .allow  // fail closed
                errors.append("\(policy.name)/\(rule.name): \(message)")
            }
            trace?.append(
                ExplainEntry(policy: policy.name, rule: rule.name, action: rule.action.rawValue, dryRun: rule.dryRun, outcome: result))
            guard matched else { continue }
            switch (rule.action, rule.dryRun) {
            case (.deny, false): outcomes[slot].deny.append(Int(id))
            case (.deny, true): outcomes[slot].dryDeny.append(Int(id))
            case (.allow, false): outcomes[slot].allow.append(Int(id))
            case (.allow, true): outcomes[slot].dryAllow.append(Int(id))
            case (.audit, _): outcomes[slot].audit.append(Int(id))
            }
        }

        // 3. Combine: deny wins, then allow. Dry-run policies and rules only count in the shadow verdict.
        let actual = combine(outcomes, shadow: false)
        let shadow = combine(outcomes, shadow: true)
        var decision = actual.allowed
            ? allowDecision(actual, activation: activation, errors: &errors)
            : denyDecision(actual, activation: activation, errors: &errors)
        decision.policy = actual.policy.map { policies[$0].name }
        decision.rules = actual.rules.map { rules[$0].name }
        if shadow.allowed != actual.allowed {
            // Recorded as what would have happened; the enforced outcome stands.
            decision.dryRun = true
            decision.policy = shadow.policy.map { policies[$0].name }
            decision.rules = shadow.rules.map { rules[$0].name }
            var enforced: [String: JSONValue] = ["allowed": .bool(actual.allowed)]
            if let p = actual.policy { enforced["policy"] = .string(policies[p].name) }
            enforced["rules"] = .array(actual.rules.map { .string(rules[$0].name) })
            decision.dynamicMetadata["enforced"] = .object(enforced)
        }
        let audits = outcomes.flatMap { o in o.audit.map { "\(policies[o.policy].name)/\(rules[$0].name)" } }
        if !audits.isEmpty { decision.dynamicMetadata["audit"] = .array(audits.map { .string($0) }) }
        decision.errors = errors
        return decision
    }

    private static func position(of policy: Int, in selected: [Int]) -> Int? {
        var lo = 0
        var hi = selected.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if selected[mid] < policy { lo = mid + 1 } else { hi = mid }
        }
        return lo < selected.count && selected[lo] == policy ? lo : nil
    }

    func combine(_ outcomes: [PolicyOutcome], shadow: Bool) -> BundleVerdict {
        var allowing: [(policy: Int, rules: [Int])] = []
        for o in outcomes {
            let p = policies[o.policy]
            if p.dryRun, !shadow { continue }
            let v = o.verdict(p, includeDryRun: shadow)
            if !v.allowed { return BundleVerdict(allowed: false, policy: o.policy, rules: v.rules, allowing: []) }
            allowing.append((o.policy, v.rules))
        }
        guard let first = allowing.first else {
            return BundleVerdict(allowed: defaultAllow, policy: nil, rules: [], allowing: [])
        }
        return BundleVerdict(allowed: true, policy: first.policy, rules: first.rules, allowing: allowing)
    }

    // MARK: Rule matching

    /// A rule matches when one of its sources, one of its operations and all of its conditions match.
    func match(_ rule: CompiledRule, facts: RequestFacts, activation: RequestActivation) -> ExplainEntry.Outcome {
        if !rule.from.isEmpty, let failure = Self.firstFailure(rule.from, facts: facts, name: "from") {
            return .failed(failure)
        }
        if !rule.to.isEmpty, let failure = Self.firstFailure(rule.to, facts: facts, name: "to") {
            return .failed(failure)
        }
        for (i, condition) in rule.when.enumerated() {
            switch condition.program.evaluate(activation) {
            case .bool(true):
                continue
            case .bool(false):
                return .failed("when[\(i)]: \(condition.source)")
            case .error(let e):
                return .error("when[\(i)]: \(condition.source): \(e.message)")
            default:
                return .error("when[\(i)]: \(condition.source): the condition did not give a bool")
            }
        }
        if let schema = rule.bodySchema { return activation.checkBody(schema, rule: rule) }
        return .matched
    }

    /// nil when one group matches; otherwise the first failing field of the first group.
    private static func firstFailure(_ groups: [FieldGroup], facts: RequestFacts, name: String) -> String? {
        var first: String?
        for (i, group) in groups.enumerated() {
            guard let failed = group.firstFailure(facts) else { return nil }
            if first == nil { first = groups.count == 1 ? "\(name).\(failed.key)" : "\(name)[\(i)].\(failed.key)" }
        }
        return first
    }
}
