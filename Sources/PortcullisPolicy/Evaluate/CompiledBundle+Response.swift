import CEL
import PortcullisModel

extension CompiledBundle {
    func allowDecision(_ verdict: BundleVerdict, activation: RequestActivation, errors: inout [String]) -> Decision {
        var decision = Decision(allowed: true)
        for (policyID, ruleIDs) in verdict.allowing {
            let policy = policies[policyID]
            let responses: [(String, AllowResponse)] =
                ruleIDs.isEmpty ? [("", policy.allow)] : ruleIDs.map { (rules[$0].name, rules[$0].allow) }
            activation.policyName = policy.name
            for (ruleName, response) in responses {
                activation.ruleName = ruleName
                apply(response, to: &decision, activation: activation, errors: &errors)
            }
        }
        return decision
    }

    private func apply(_ response: AllowResponse, to decision: inout Decision, activation: RequestActivation, errors: inout [String]) {
        for h in response.setHeaders {
            decision.headers.removeAll { $0.name == h.name }
            switch text(h.expression, activation) {
            case .success(let value):
                decision.headers.append(HeaderMutation(name: h.name, value: value))
            case .failure(let message):
                // The header cannot be computed: make sure a client-sent one does not reach the upstream.
                if !decision.headersToRemove.contains(h.name) { decision.headersToRemove.append(h.name) }
                errors.append("\(activation.policyName)/\(activation.ruleName): set_headers.\(h.name): \(message)")
            }
        }
        for name in response.removeHeaders where !decision.headersToRemove.contains(name) {
            decision.headersToRemove.append(name)
        }
        for h in response.responseHeaders {
            decision.responseHeadersToAdd.removeAll { $0.name == h.name }
            switch text(h.expression, activation) {
            case .success(let value): decision.responseHeadersToAdd.append(HeaderMutation(name: h.name, value: value))
            case .failure(let message):
                errors.append("\(activation.policyName)/\(activation.ruleName): response_headers.\(h.name): \(message)")
            }
        }
        for q in response.setQueryParameters {
            decision.queryParametersToSet.removeAll { $0.key == q.name }
            switch text(q.expression, activation) {
            case .success(let value): decision.queryParametersToSet.append((q.name, value))
            case .failure(let message):
                if !decision.queryParametersToRemove.contains(q.name) { decision.queryParametersToRemove.append(q.name) }
                errors.append("\(activation.policyName)/\(activation.ruleName): set_query_params.\(q.name): \(message)")
            }
        }
        for name in response.removeQueryParameters where !decision.queryParametersToRemove.contains(name) {
            decision.queryParametersToRemove.append(name)
        }
        for m in response.metadata {
            switch text(m.expression, activation) {
            case .success(let value): decision.dynamicMetadata[m.name] = .string(value)
            case .failure(let message):
                errors.append("\(activation.policyName)/\(activation.ruleName): metadata.\(m.name): \(message)")
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
    func text(_ expression: CompiledExpression, _ activation: RequestActivation) -> TextResult {
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
