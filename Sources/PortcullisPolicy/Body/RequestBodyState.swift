import JSONSchema

/// What one decision learned about the request body: parsed at most once, and only when a rule reads it.
struct RequestBodyState {
    /// nil until something reads the body.
    var parsed: Result<ParsedBody, BodyFailure>?
    /// How many times the body was parsed (0 or 1): tests hold the evaluator to "lazily, at most once".
    var parses = 0
    /// Schema validations already done for this request, by schema.
    var validations: [(schema: ObjectIdentifier, violations: [SchemaViolation])] = []
    /// The body rules that refused the body, in evaluation order, for the denial.
    var failures: [BodyRuleFailure] = []
}

/// A rule that needed the body and did not get one it accepts.
struct BodyRuleFailure: Sendable {
    enum Reason: Sendable {
        /// The body could not be read (truncated, wrong content type, malformed).
        case unreadable(BodyFailure)
        /// The body does not match the schema.
        case invalid(schema: String, violations: [SchemaViolation])
    }

    let policy: Int
    let rule: String
    let reason: Reason

    /// One line: `/items/0/qty: must be >= 1`, or why the body could not be read.
    var summary: String {
        switch reason {
        case .unreadable(let failure): return failure.message
        case .invalid(_, let violations): return violations.first?.description ?? "does not match the schema"
        }
    }
}
