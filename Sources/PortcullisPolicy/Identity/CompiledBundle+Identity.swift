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
        for name in resolution.present {
            trace?.append(ExplainEntry(policy: "identity", rule: name, action: "identity", dryRun: false, outcome: .matched))
        }
        if let failure = resolution.failure {
            trace?.append(ExplainEntry(
                policy: "identity", rule: failure.source, action: "identity", dryRun: false,
                outcome: .error("invalid credential: \(failure.detail)")))
            return Self.invalidCredential(failure, notes: resolution.notes)
        }
        var decision = evaluate(request, indexed: indexed, identity: resolution.celValue, trace: &trace)
        if !resolution.present.isEmpty {
            decision.dynamicMetadata["identity"] = .array(resolution.present.map(JSONValue.string))
        }
        if !resolution.spoofed.isEmpty {
            decision.errors += resolution.notes
            decision.dynamicMetadata["identity_spoofed"] = .array(resolution.spoofed.map(JSONValue.string))
            for name in resolution.headersToRemove where !decision.headersToRemove.contains(name) {
                decision.headersToRemove.append(name)
            }
        }
        return decision
    }

    /// 401 for a credential that did not verify: `WWW-Authenticate` for bearer tokens, the reason in
    /// the body, the errors and the metadata (never the credential itself).
    static func invalidCredential(_ failure: IdentityFailure, notes: [String]) -> Decision {
        var headers = [HeaderMutation(name: "content-type", value: "application/json")]
        if let challenge = failure.challenge { headers.append(HeaderMutation(name: "www-authenticate", value: challenge)) }
        let body: JSONValue = .object([
            "error": .string("invalid credential"), "source": .string(failure.source), "reason": .string(failure.reason),
        ])
        return Decision(
            allowed: false, denialKind: .unauthenticated, headers: headers, body: body.serialized() + "\n",
            dynamicMetadata: ["identity_error": .object(["source": .string(failure.source), "reason": .string(failure.reason)])],
            errors: ["identity \(failure.source): \(failure.detail)"] + notes)
    }

    /// The 401 for the first selected (enforced) policy none of whose `identity:` sources is present.
    func unmetIdentityRequirement(_ selected: [Int32], identity: CELValue?) -> Decision? {
        guard hasIdentityRequirements else { return nil }
        for id in selected {
            let p = policies[Int(id)]
            guard !p.identity.isEmpty, !p.dryRun else { continue }
            if case .map(let m)? = identity, p.identity.contains(where: { m[string: $0] != nil }) { continue }
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
        return nil
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
