/// The parsed, schema-checked form of a policy, before compilation. Every value keeps its location.
struct PolicySpec {
    var name: Located<String>
    var description: String = ""
    var selector: SelectorSpec?
    var defaultAllow: Bool = false
    var dryRun: Bool = false
    var response: AllowResponseSpec?
    var deny: DenyResponseSpec?
    var identity: [Located<String>] = []
    var rules: [RuleSpec] = []
    var location: SourceLocation
}

/// Which requests a policy governs. Fields are ANDed; values inside a field are ORed.
struct SelectorSpec {
    var clauses: [FieldClause] = []
    var contextExtensions: [(key: Located<String>, value: Located<String>)] = []
    var location: SourceLocation
}

enum RuleAction: String, Sendable {
    case allow
    case deny
    case audit
}

struct RuleSpec {
    var name: Located<String>?
    var action: RuleAction
    var dryRun: Bool = false
    var from: [ClauseGroup] = []
    var to: [ClauseGroup] = []
    var when: [Located<String>] = []
    var response: AllowResponseSpec?
    var deny: DenyResponseSpec?
    /// `body_schema: schemas/order.json`: the rule matches only when the body validates.
    var bodySchema: Located<String>?
    var location: SourceLocation
}

/// One `from` source or one `to` operation: its fields are ANDed.
struct ClauseGroup {
    var clauses: [FieldClause]
    var location: SourceLocation
}

/// The attributes a `from`, `to` or selector field tests.
enum MatchField: String, Sendable, CaseIterable {
    // from
    case principals
    case namespaces
    case serviceAccounts = "service_accounts"
    case trustDomains = "trust_domains"
    case ipBlocks = "ip_blocks"
    // to
    case hosts
    case ports
    case methods
    case paths
    // selector (destination workload)
    case destinationPrincipals
    case destinationNamespaces
    case destinationServiceAccounts

    static let source: [MatchField] = [.principals, .namespaces, .serviceAccounts, .trustDomains, .ipBlocks]
    static let operation: [MatchField] = [.hosts, .ports, .methods, .paths]
}

/// `principals: [...]` or `not_principals: [...]`.
struct FieldClause {
    var field: MatchField
    var negated: Bool
    var values: [Located<String>]
    var location: SourceLocation
    /// The key as written, for messages (`not_principals`).
    var key: String
}

struct AllowResponseSpec {
    var setHeaders: [(key: Located<String>, value: Located<String>)] = []
    var removeHeaders: [Located<String>] = []
    var responseHeaders: [(key: Located<String>, value: Located<String>)] = []
    var setQueryParameters: [(key: Located<String>, value: Located<String>)] = []
    var removeQueryParameters: [Located<String>] = []
    var metadata: [(key: Located<String>, value: Located<String>)] = []
}

struct DenyResponseSpec {
    var status: Located<Int>?
    var headers: [(key: Located<String>, value: Located<String>)] = []
    var body: Located<String>?
}

struct ManifestSpec {
    var name: String = ""
    var revision: String = ""
    var description: String = ""
    var defaultAllow: Bool = false
}
