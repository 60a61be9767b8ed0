import CEL
import PortcullisModel

/// A rule that matched, filed by the position of its policy among the selected ones.
struct RuleHit {
    enum Kind: UInt8 { case deny, dryDeny, allow, dryAllow, audit }
    var slot: Int32
    var rule: Int32
    var kind: Kind
}

/// A short list whose first element is held inline: in the usual decision one rule matches and one rule
/// decides, and neither list then allocates.
struct InlineList<Element>: Sequence {
    private var head: Element?
    private var tail: [Element] = []

    init() {}

    mutating func append(_ e: Element) {
        if head == nil { head = e } else { tail.append(e) }
    }

    var isEmpty: Bool { head == nil }
    var count: Int { head == nil ? 0 : 1 + tail.count }
    var first: Element? { head }

    struct Iterator: IteratorProtocol {
        fileprivate var head: Element?
        fileprivate var tail: IndexingIterator<[Element]>
        mutating func next() -> Element? {
            if let h = head {
                head = nil
                return h
            }
            return tail.next()
        }
    }

    func makeIterator() -> Iterator { Iterator(head: head, tail: tail.makeIterator()) }
}

/// The rules that matched in one decision: one flat list, so a decision allocates nothing per selected policy
/// (and nothing at all when at most one rule matched).
struct RuleHits {
    var list = InlineList<RuleHit>()

    /// A policy's own verdict: any matching deny denies; otherwise any matching allow allows; otherwise the
    /// policy's default. Dry-run rules count only in the shadow verdict.
    func allows(slot: Int, defaultAllow: Bool, shadow: Bool) -> Bool {
        var allow = false
        for h in list where Int(h.slot) == slot {
            switch h.kind {
            case .deny: return false
            case .dryDeny: if shadow { return false }
            case .allow: allow = true
            case .dryAllow: if shadow { allow = true }
            case .audit: break
            }
        }
        return allow || defaultAllow
    }

    /// The rules behind a policy's verdict: its counted deny rules when it denies, its counted allow rules when
    /// it allows (none when the default decided).
    func rules(slot: Int, allowed: Bool, shadow: Bool) -> InlineList<Int> {
        var out = InlineList<Int>()
        for h in list where Int(h.slot) == slot {
            switch h.kind {
            case .deny where !allowed, .allow where allowed: out.append(Int(h.rule))
            case .dryDeny where !allowed && shadow, .dryAllow where allowed && shadow: out.append(Int(h.rule))
            default: break
            }
        }
        return out
    }
}

/// The combined verdict of the selected policies.
struct BundleVerdict {
    var allowed: Bool
    /// The deciding policy (the first denying one, or the first allowing one); nil when none was selected.
    var policy: Int?
    var rules: InlineList<Int>
    /// Whether dry-run policies and rules were counted (the shadow verdict).
    var shadow: Bool
}

extension CompiledBundle {
    func evaluate(
        _ request: AuthzRequest, indexed: Bool, identity: CELValue? = nil, trace: inout [ExplainEntry]?
    ) -> Decision {
        let activation = RequestActivation(request: request, table: table, data: data)
        let facts: RequestFacts = activation
        activation.identity = identity
        var errors: [String] = []

        // 1. The policies whose selectors match.
        // The candidates are filtered in place: what the index returned becomes the selection.
        // One buffer for the selected policies and, after them, the candidate rules: reserved once.
        var selected: [Int32] = []
        selected.reserveCapacity(selectorIndex.always.count + ruleIndex.always.count + 16)
        if indexed { selectorIndex.candidates(facts, into: &selected) } else { selected += allPolicies }
        var kept = 0
        for r in selected.indices {
            let id = selected[r]
            let selects = policyRefs[Int(id)]._withUnsafeGuaranteedRef { p in
                Self.selects(p, facts: facts, trace: &trace)
            }
            guard selects else { continue }
            selected[kept] = id
            kept += 1
        }
        selected.removeLast(selected.count - kept)

        // A selected policy whose `identity:` sources are all absent: 401 before any rule runs.
        if let unmet = unmetIdentityRequirement(selected, identity: identity) { return unmet }

        // 2. Their rules that can match, appended after the selection.
        var hits = RuleHits()
        let policyCount = selected.count
        if indexed { ruleIndex.candidates(facts, into: &selected) } else { selected += allRules }
        for c in policyCount..<selected.count {
            let id = selected[c]
            let hit = ruleRefs[Int(id)]._withUnsafeGuaranteedRef { rule -> RuleHit? in
                guard let slot = Self.position(of: Int32(rule.policy), in: selected, count: policyCount) else { return nil }
                guard let kind = judge(rule, facts: activation, errors: &errors, trace: &trace) else { return nil }
                return RuleHit(slot: Int32(slot), rule: id, kind: kind)
            }
            if let hit { hits.list.append(hit) }
        }

        selected.removeLast(selected.count - policyCount)

        // 3. Combine: deny wins, then allow. Dry-run policies and rules only count in the shadow verdict.
        let actual = combine(selected, hits, shadow: false)
        var decision: Decision
        if actual.allowed {
            decision = allowDecision(actual, selected: selected, hits: hits, activation: activation, errors: &errors)
        } else {
            decision = denyDecision(actual, activation: activation, errors: &errors)
        }
        decision.policy = actual.policy.map { policies[$0].name }
        decision.rules = ruleNames(actual.rules)
        if hasDryRun, shadowAllows(selected, hits) != actual.allowed {
            // Recorded as what would have happened; the enforced outcome stands.
            let shadow = combine(selected, hits, shadow: true)
            decision.dryRun = true
            decision.policy = shadow.policy.map { policies[$0].name }
            decision.rules = ruleNames(shadow.rules)
            var enforced: [String: JSONValue] = ["allowed": .bool(actual.allowed)]
            if let p = actual.policy { enforced["policy"] = .string(policies[p].name) }
            enforced["rules"] = .array(actual.rules.map { .string(rules[$0].name) })
            decision.dynamicMetadata["enforced"] = .object(enforced)
        }
        var audits: [JSONValue] = []
        for h in hits.list where h.kind == .audit {
            audits.append(.string("\(policies[Int(selected[Int(h.slot)])].name)/\(rules[Int(h.rule)].name)"))
        }
        if !audits.isEmpty { decision.dynamicMetadata["audit"] = .array(audits) }
        decision.errors = errors
        return decision
    }

    /// Whether a policy's selector takes the request (recorded in the trace when explaining).
    private static func selects(_ p: CompiledPolicy, facts: RequestFacts, trace: inout [ExplainEntry]?) -> Bool {
        if let selector = p.selector, !selector.matches(facts) {
            if trace != nil, let failed = selector.firstFailure(facts) {
                trace?.append(ExplainEntry(policy: p.name, rule: nil, action: "select", dryRun: p.dryRun, outcome: .failed("selector.\(failed.key)")))
            }
            return false
        }
        trace?.append(ExplainEntry(policy: p.name, rule: nil, action: "select", dryRun: p.dryRun, outcome: .matched))
        return true
    }

    /// How a candidate rule counts: nil when it does not match; a failing condition fails closed (an error counts as
    /// a match for deny and audit rules, as no match for allow rules) and is recorded in `errors`.
    private func judge(_ rule: CompiledRule, facts activation: RequestActivation, errors: inout [String], trace: inout [ExplainEntry]?) -> RuleHit.Kind? {
        let explain = trace != nil
        let result = match(rule, facts: activation, activation: activation, explain: explain)
        var matched = false
        switch result {
        case .matched:
            matched = true
        case .failed:
            break
        case .error(let message):
            matched = rule.action != .allow  // fail closed
            errors.append("\(policies[rule.policy].name)/\(rule.name): \(message)")
        }
        if explain {
            let policy = policies[rule.policy]
            trace?.append(
                ExplainEntry(policy: policy.name, rule: rule.name, action: rule.action.rawValue, dryRun: rule.dryRun, outcome: result))
        }
        guard matched else { return nil }
        switch (rule.action, rule.dryRun) {
        case (.deny, false): return .deny
        case (.deny, true): return .dryDeny
        case (.allow, false): return .allow
        case (.allow, true): return .dryAllow
        case (.audit, _): return .audit
        }
    }

    private func ruleNames(_ ids: InlineList<Int>) -> [String] {
        if ids.count == 1, let id = ids.first { return ruleNameLists[id] }
        return ids.map { rules[$0].name }
    }

    /// The slot of `policy` among the first `count` ids of `selected` (the selection, sorted).
    private static func position(of policy: Int32, in selected: [Int32], count: Int) -> Int? {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if selected[mid] < policy { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && selected[lo] == policy ? lo : nil
    }

    func combine(_ selected: [Int32], _ hits: RuleHits, shadow: Bool) -> BundleVerdict {
        var first: (policy: Int, slot: Int)?
        for (slot, policyID) in selected.enumerated() {
            let id = Int(policyID)
            let (dryRun, defaultAllow) = policyRefs[id]._withUnsafeGuaranteedRef { ($0.dryRun, $0.defaultAllow) }
            if dryRun, !shadow { continue }
            if !hits.allows(slot: slot, defaultAllow: defaultAllow, shadow: shadow) {
                return BundleVerdict(allowed: false, policy: id, rules: hits.rules(slot: slot, allowed: false, shadow: shadow), shadow: shadow)
            }
            if first == nil { first = (id, slot) }
        }
        guard let first else {
            return BundleVerdict(allowed: defaultAllow, policy: nil, rules: InlineList(), shadow: shadow)
        }
        return BundleVerdict(allowed: true, policy: first.policy, rules: hits.rules(slot: first.slot, allowed: true, shadow: shadow), shadow: shadow)
    }

    /// The shadow verdict's outcome alone (dry-run policies and rules counted), without its rule lists.
    func shadowAllows(_ selected: [Int32], _ hits: RuleHits) -> Bool {
        for (slot, id) in selected.enumerated() where !hits.allows(slot: slot, defaultAllow: policies[Int(id)].defaultAllow, shadow: true) {
            return false
        }
        return selected.isEmpty ? defaultAllow : true
    }

    // MARK: Rule matching

    /// A rule matches when one of its sources, one of its operations and all of its conditions match.
    /// Without `explain`, a failure's description is left empty (it is only read by explanations).
    func match(_ rule: CompiledRule, facts: RequestFacts, activation: RequestActivation, explain: Bool = true) -> ExplainEntry.Outcome {
        if !rule.from.isEmpty, let failure = Self.firstFailure(rule.from, facts: facts, name: "from", explain: explain) {
            return .failed(failure)
        }
        if !rule.to.isEmpty, let failure = Self.firstFailure(rule.to, facts: facts, name: "to", explain: explain) {
            return .failed(failure)
        }
        let conditions = rule.when
        for i in conditions.indices {
            switch conditions[i].program.evaluate(activation) {
            case .bool(true):
                continue
            case .bool(false):
                return .failed(explain ? "when[\(i)]: \(conditions[i].source)" : "")
            case .error(let e):
                return .error("when[\(i)]: \(conditions[i].source): \(e.message)")
            default:
                return .error("when[\(i)]: \(conditions[i].source): the condition did not give a bool")
            }
        }
        if let schema = rule.bodySchema { return activation.checkBody(schema, rule: rule) }
        return .matched
    }

    /// nil when one group matches; otherwise the first failing field of the first group.
    private static func firstFailure(_ groups: [FieldGroup], facts: RequestFacts, name: String, explain: Bool) -> String? {
        if !explain {
            let matched = groups.withUnsafeBufferPointer { groups in
                for i in groups.indices where Unmanaged.passUnretained(groups[i])._withUnsafeGuaranteedRef({ $0.matches(facts) }) {
                    return true
                }
                return false
            }
            return matched ? nil : ""
        }
        var first: String?
        for (i, group) in groups.enumerated() {
            guard let failed = group.firstFailure(facts) else { return nil }
            if first == nil { first = groups.count == 1 ? "\(name).\(failed.key)" : "\(name)[\(i)].\(failed.key)" }
        }
        return first
    }
}
