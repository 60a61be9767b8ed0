import CEL
import PortcullisModel

extension CompiledBundle {
    /// On allow, every counted policy allowed: each adds its allow rules' responses (its own when its default
    /// decided).
    func allowDecision(
        _ verdict: BundleVerdict, selected: [Int32], hits: RuleHits, activation: RequestActivation, errors: inout [String]
    ) -> Decision {
        // Built in local lists, then moved into the decision once (each write through `Decision` checks its storage).
        var parts = AllowParts()
        for (slot, policyID) in selected.enumerated() {
            policyRefs[Int(policyID)]._withUnsafeGuaranteedRef { policy in
                if policy.dryRun, !verdict.shadow { return }
                let ruleIDs = hits.rules(slot: slot, allowed: true, shadow: verdict.shadow)
                activation.policyName = policy.name
                if ruleIDs.isEmpty {
                    activation.ruleName = ""
                    apply(policy.allow, to: &parts, activation: activation, errors: &errors)
                }
                for id in ruleIDs {
                    ruleRefs[id]._withUnsafeGuaranteedRef { rule in
                        activation.ruleName = rule.name
                        apply(rule.allow, to: &parts, activation: activation, errors: &errors)
                    }
                }
            }
        }
        return Decision(
            allowed: true, headers: parts.headers, headersToRemove: parts.headersToRemove,
            responseHeadersToAdd: parts.responseHeaders, queryParametersToSet: parts.queryToSet,
            queryParametersToRemove: parts.queryToRemove, dynamicMetadata: parts.metadata)
    }

    /// What the allowing rules' responses add up to.
    struct AllowParts {
        var headers: [HeaderMutation] = []
        var headersToRemove: [String] = []
        var responseHeaders: [HeaderMutation] = []
        var queryToSet: [(key: String, value: String)] = []
        var queryToRemove: [String] = []
        var metadata: [String: JSONValue] = [:]
    }

    private func apply(_ response: borrowing AllowResponse, to parts: inout AllowParts, activation: RequestActivation, errors: inout [String]) {
        // Entries are read in place (`for in` would copy each, retaining its name, program and source).
        let setHeaders = response.setHeaders
        for i in setHeaders.indices {
            let name = setHeaders[i].name
            if !parts.headers.isEmpty { parts.headers.removeAll { $0.name == name } }
            switch text(setHeaders[i].expression, activation) {
            case .success(let value):
                parts.headers.append(HeaderMutation(name: name, value: value))
            case .failure(let message):
                // The header cannot be computed: make sure a client-sent one does not reach the upstream.
                if !parts.headersToRemove.contains(name) { parts.headersToRemove.append(name) }
                errors.append("\(activation.policyName)/\(activation.ruleName): set_headers.\(name): \(message)")
            }
        }
        if !response.removeHeaders.isEmpty {
            for name in response.removeHeaders where !parts.headersToRemove.contains(name) {
                parts.headersToRemove.append(name)
            }
        }
        if !response.responseHeaders.isEmpty { applyResponseHeaders(response, to: &parts, activation: activation, errors: &errors) }
        let setQuery = response.setQueryParameters
        for i in setQuery.indices {
            let name = setQuery[i].name
            if !parts.queryToSet.isEmpty { parts.queryToSet.removeAll { $0.key == name } }
            switch text(setQuery[i].expression, activation) {
            case .success(let value): parts.queryToSet.append((name, value))
            case .failure(let message):
                if !parts.queryToRemove.contains(name) { parts.queryToRemove.append(name) }
                errors.append("\(activation.policyName)/\(activation.ruleName): set_query_params.\(name): \(message)")
            }
        }
        if !response.removeQueryParameters.isEmpty {
            for name in response.removeQueryParameters where !parts.queryToRemove.contains(name) {
                parts.queryToRemove.append(name)
            }
        }
        let metadata = response.metadata
        for i in metadata.indices {
            switch text(metadata[i].expression, activation) {
            case .success(let value):
                if parts.metadata.isEmpty {
                    // The usual first entry: a one-entry dictionary made at once (one hash, no resize).
                    parts.metadata = [metadata[i].name: .string(value)]
                } else {
                    parts.metadata[metadata[i].name] = .string(value)
                }
            case .failure(let message):
                errors.append("\(activation.policyName)/\(activation.ruleName): metadata.\(metadata[i].name): \(message)")
            }
        }
    }

    private func applyResponseHeaders(
        _ response: borrowing AllowResponse, to parts: inout AllowParts, activation: RequestActivation, errors: inout [String]
    ) {
        let responseHeaders = response.responseHeaders
        for i in responseHeaders.indices {
            let name = responseHeaders[i].name
            if !parts.responseHeaders.isEmpty { parts.responseHeaders.removeAll { $0.name == name } }
            switch text(responseHeaders[i].expression, activation) {
            case .success(let value): parts.responseHeaders.append(HeaderMutation(name: name, value: value))
            case .failure(let message):
                errors.append("\(activation.policyName)/\(activation.ruleName): response_headers.\(name): \(message)")
            }
        }
    }

    func denyDecision(_ verdict: BundleVerdict, activation: RequestActivation, errors: inout [String]) -> Decision {
        var response = DenyResponse()
        if let p = verdict.policy {
            activation.policyName = policies[p].name
            if let r = verdict.rules.first {
                response = rules[r].deny
                activation.ruleName = rules[r].name
            } else {
                response = policies[p].deny
                activation.ruleName = ""
            }
        }
        let status = response.status ?? 403
        var decision = Decision(allowed: false, httpStatus: status, denialKind: status == 401 ? .unauthenticated : .permissionDenied)
        for h in response.headers {
            switch text(h.expression, activation) {
            case .success(let value): decision.headers.append(HeaderMutation(name: h.name, value: value))
            case .failure(let message): errors.append("\(activation.policyName)/\(activation.ruleName): deny.headers.\(h.name): \(message)")
            }
        }
        if let body = response.body {
            switch text(body, activation) {
            case .success(let value): decision.body = value
            case .failure(let message):
                decision.body = "access denied\n"
                errors.append("\(activation.policyName)/\(activation.ruleName): deny.body: \(message)")
            }
        } else {
            explainBodyRefusal(verdict, activation: activation, into: &decision)
        }
        return decision
    }

    enum TextResult {
        case success(String)
        case failure(String)
    }

    /// An expression's value as text: strings as they are, numbers and bools in CEL literal form.
    func text(_ expression: borrowing CompiledExpression, _ activation: RequestActivation) -> TextResult {
        switch expression.program.evaluate(activation) {
        case .string(let s): return .success(s)
        case .int(let i): return .success(String(i))
        case .uint(let u): return .success(String(u))
        case .double(let d): return .success(String(d))
        case .bool(let b): return .success(b ? "true" : "false")
        case .error(let e): return .failure(e.message)
        default: return .failure("the value is not a string")
        }
    }
}
