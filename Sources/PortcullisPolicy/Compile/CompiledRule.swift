import CEL

/// A CEL expression with its text and where it was written.
struct CompiledExpression: Sendable {
    let program: CELProgram
    let source: String
    let location: SourceLocation
}

/// A header, query parameter or metadata key whose value is an expression.
struct NamedExpression: Sendable {
    let name: String
    let expression: CompiledExpression
}

/// What an allow adds: upstream headers, removals, client response headers, query changes, dynamic metadata.
struct AllowResponse: Sendable {
    var setHeaders: [NamedExpression] = []
    var removeHeaders: [String] = []
    var responseHeaders: [NamedExpression] = []
    var setQueryParameters: [NamedExpression] = []
    var removeQueryParameters: [String] = []
    var metadata: [NamedExpression] = []

    /// This response's entries override `base`'s of the same name; lists are joined.
    func merged(over base: AllowResponse) -> AllowResponse {
        func merge(_ mine: [NamedExpression], _ theirs: [NamedExpression]) -> [NamedExpression] {
            let names = Set(mine.map(\.name))
            return theirs.filter { !names.contains($0.name) } + mine
        }
        func join(_ mine: [String], _ theirs: [String]) -> [String] {
            theirs + mine.filter { !theirs.contains($0) }
        }
        return AllowResponse(
            setHeaders: merge(setHeaders, base.setHeaders),
            removeHeaders: join(removeHeaders, base.removeHeaders),
            responseHeaders: merge(responseHeaders, base.responseHeaders),
            setQueryParameters: merge(setQueryParameters, base.setQueryParameters),
            removeQueryParameters: join(removeQueryParameters, base.removeQueryParameters),
            metadata: merge(metadata, base.metadata))
    }
}

/// The denial sent to the client: status, headers, body.
struct DenyResponse: Sendable {
    var status: Int?
    var headers: [NamedExpression] = []
    var body: CompiledExpression?

    func merged(over base: DenyResponse) -> DenyResponse {
        let names = Set(headers.map(\.name))
        return DenyResponse(
            status: status ?? base.status,
            headers: base.headers.filter { !names.contains($0.name) } + headers,
            body: body ?? base.body)
    }
}

/// A reference type, so the evaluator hands it around without copying its fields.
final class CompiledRule: Sendable {
    let name: String
    let policy: Int
    let action: RuleAction
    let dryRun: Bool
    /// Empty: any source. Otherwise one must match.
    let from: [FieldGroup]
    /// Empty: any operation. Otherwise one must match.
    let to: [FieldGroup]
    let when: [CompiledExpression]
    /// Already merged with the policy's defaults.
    let allow: AllowResponse
    let deny: DenyResponse
    let location: SourceLocation
    /// `body_schema`: the body must parse and validate for the rule to match.
    let bodySchema: BodySchema?

    init(name: String, policy: Int, action: RuleAction, dryRun: Bool, from: [FieldGroup], to: [FieldGroup], when: [CompiledExpression], allow: AllowResponse, deny: DenyResponse, location: SourceLocation, bodySchema: BodySchema? = nil) {
        self.name = name
        self.policy = policy
        self.action = action
        self.dryRun = dryRun
        self.from = from
        self.to = to
        self.when = when
        self.allow = allow
        self.deny = deny
        self.location = location
        self.bodySchema = bodySchema
    }
}

/// A reference type, so the evaluator hands it around without copying its fields.
final class CompiledPolicy: Sendable {
    let name: String
    let description: String
    /// nil: every request.
    let selector: FieldGroup?
    let defaultAllow: Bool
    let dryRun: Bool
    let allow: AllowResponse
    let deny: DenyResponse
    /// Indices of its rules in the bundle's rule table.
    let rules: Range<Int>
    /// Named identity sources the policy requires (read by the identity layer).
    let identity: [String]
    let location: SourceLocation

    init(name: String, description: String, selector: FieldGroup?, defaultAllow: Bool, dryRun: Bool, allow: AllowResponse, deny: DenyResponse, rules: Range<Int>, identity: [String], location: SourceLocation) {
        self.name = name
        self.description = description
        self.selector = selector
        self.defaultAllow = defaultAllow
        self.dryRun = dryRun
        self.allow = allow
        self.deny = deny
        self.rules = rules
        self.identity = identity
        self.location = location
    }
}
