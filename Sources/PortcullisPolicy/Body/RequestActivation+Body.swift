import CEL
import JSONSchema
import PortcullisModel

extension RequestActivation {
    /// The parsed body, parsing it on the first call of this decision.
    func readBody() -> Result<ParsedBody, BodyFailure> {
        if let known = body.parsed { return known }
        let result: Result<ParsedBody, BodyFailure>
        if let http = facts.request.http {
            result = BodyReader.read(http)
        } else {
            result = .failure(BodyFailure(message: "the check has no HTTP request"))
        }
        body.parses += 1
        body.parsed = result
        return result
    }

    /// `request.body`: the parsed body, or an evaluation error saying why it cannot be read.
    func bodyVariable() -> CELValue {
        switch readBody() {
        case .success(let parsed): return BodyValue.cel(parsed.jsonValue)
        case .failure(let failure): return .error(CELError(message: "request.body: \(failure.message)"))
        }
    }

    /// `request.raw_body`: the body as text, as Envoy sent it (possibly truncated).
    func rawBodyVariable() -> CELValue? {
        guard let http = facts.request.http else { return nil }
        return .string(http.body.isEmpty && !http.rawBody.isEmpty ? String(decoding: http.rawBody, as: UTF8.self) : http.body)
    }

    /// `request.body_error`: why the last body rule refused the body (empty when none did). Not cached: it changes
    /// as rules are evaluated, and response expressions read it after all of them.
    var bodyErrorText: String {
        guard let last = body.failures.last else { return "" }
        switch last.reason {
        case .unreadable: return last.summary
        case .invalid(let schema, _): return "\(schema): \(last.summary)"
        }
    }

    /// A rule's `body_schema`: matched when the body parses and validates; failed (with the first violation) when
    /// it does not validate; an error (fail closed) when the body cannot be read.
    func checkBody(_ schema: BodySchema, rule: CompiledRule) -> ExplainEntry.Outcome {
        let parsed: ParsedBody
        switch readBody() {
        case .success(let p):
            parsed = p
        case .failure(let failure):
            body.failures.append(BodyRuleFailure(policy: rule.policy, rule: rule.name, reason: .unreadable(failure)))
            return .error("body_schema: \(failure.message)")
        }
        let id = ObjectIdentifier(schema)
        let violations: [SchemaViolation]
        if let done = body.validations.first(where: { $0.schema == id }) {
            violations = done.violations
        } else {
            violations = schema.schema.validate(parsed.tape, maxViolations: BodyLimits.maxViolations)
            body.validations.append((id, violations))
        }
        if violations.isEmpty { return .matched }
        let failure = BodyRuleFailure(policy: rule.policy, rule: rule.name, reason: .invalid(schema: schema.path, violations: violations))
        body.failures.append(failure)
        return .failed("body_schema \(schema.path): \(failure.summary)")
    }
}
