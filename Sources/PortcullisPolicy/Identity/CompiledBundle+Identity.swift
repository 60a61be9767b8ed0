import CEL
import PortcullisIdentity
import PortcullisModel

extension CompiledBundle {
    /// Resolves the bundle's identity sources, then evaluates the policies with their outputs bound
    /// to `identity`. A credential present but invalid is a 401 before any policy runs (never
    /// anonymous); spoofed edge headers are ignored, removed upstream and recorded in `errors` and in
    /// the metadata key `identity_spoofed`.
    func evaluateWithIdentity(_ request: AuthzRequest, indexed: Bool, trace: inout [ExplainEntry]?) -> Decision {
        guard !identitySources.isEmpty else { return evaluate(request, indexed: indexed, trace: &trace) }
        // No credential anywhere (most requests for most bundles): no source has an output, none failed.
        guard identitySources.mayHaveCredential(request) else {
            return evaluate(request, indexed: indexed, identity: IdentityResolution.noIdentity, trace: &trace)
        }
        let resolution = identitySources.resolve(request)
        if trace != nil {
            for p in resolution.present {
                trace?.append(ExplainEntry(
                    policy: "identity", rule: identitySources.sources[p.source].name, action: "identity", dryRun: false,
                    outcome: .matched))
            }
        }
        if let failure = resolution.failure {
            trace?.append(ExplainEntry(
                policy: "identity", rule: failure.source, action: "identity", dryRun: false,
                outcome: .error("invalid credential: \(failure.detail)")))
            return failure.decision(notes: resolution.spoofing?.notes ?? [])
        }
        var decision = evaluate(request, indexed: indexed, identity: identitySources.value(of: resolution), trace: &trace)
        identitySources.recordPresent(resolution, in: &decision)
        if let spoofing = resolution.spoofing {
            decision.errors += spoofing.notes
            decision.dynamicMetadata["identity_spoofed"] = .array(spoofing.spoofed.map(JSONValue.string))
            for name in spoofing.headersToRemove where !decision.headersToRemove.contains(name) {
                decision.headersToRemove.append(name)
            }
        }
        return decision
    }

    /// The 401 for the first selected (enforced) policy none of whose `identity:` sources is present. Built once
    /// per policy (`UnmetIdentityResponses`): it depends on the policy alone.
    func unmetIdentityRequirement(_ selected: [Int32], identity: CELValue?) -> Decision? {
        guard hasIdentityRequirements else { return nil }
        for id in selected {
            let unmet = policyRefs[Int(id)]._withUnsafeGuaranteedRef { p -> Bool in
                guard !p.identity.isEmpty, !p.dryRun else { return false }
                if case .map(let m)? = identity, p.identity.contains(where: { m[string: $0] != nil }) { return false }
                return true
            }
            guard unmet else { continue }
            return policyRefs[Int(id)]._withUnsafeGuaranteedRef { p in
                identitySources.unmetResponses.decision(id, policy: p.name, identity: p.identity) {
                    unmetIdentityResponse(p)
                }
            }
        }
        return nil
    }

    /// The 401 of a policy whose `identity:` sources are all absent: a bare Bearer challenge when one of them is a
    /// jwt source.
    private func unmetIdentityResponse(_ p: CompiledPolicy) -> Decision {
        let names = p.identity.joined(separator: ", ")
        var headers = [HeaderMutation(name: "content-type", value: "application/json")]
        let wantsBearer = identitySources.sources.contains { s in
            if case .jwt = s.kind { return p.identity.contains(s.name) }
            return false
        }
        if wantsBearer { headers.append(HeaderMutation(name: "www-authenticate", value: "Bearer")) }
        let body: JSONValue = .object([
            "error": .string("authentication required"), "policy": .string(p.name),
            "identity": .array(p.identity.map(JSONValue.string)),
        ])
        return Decision(
            allowed: false, denialKind: .unauthenticated, headers: headers, body: body.serialized() + "\n",
            policy: p.name, errors: ["policy \(p.name) requires an identity from \(names): none was presented"])
    }
}

extension BundleCompiler {
    /// Every name in a policy's `identity:` must be a declared source (a warning when the bundle
    /// declares none, for bundles whose identity is supplied by a caller of `decide(_:identity:)`).
    func checkIdentityReferences(_ specs: [PolicySpec], declared: [Located<IdentitySource>]?) {
        let names = Set((declared ?? []).map(\.value.name))
        for spec in specs {
            for ref in spec.identity where !names.contains(ref.value) {
                let message = "policy \(spec.name.value) requires identity source \(String(reflecting: ref.value)), which identity.yaml does not declare"
                if declared == nil { sink.warning(message, at: ref.location) } else { sink.error(message, at: ref.location) }
            }
        }
    }
}
