/// Reads policy documents: each YAML document is one policy or a list of policies.
struct PolicyParser {
    let reader: NodeReader

    static let policyFields = [
        "name", "description", "selector", "default", "dry_run", "response", "deny", "identity", "rules",
    ]
    static let ruleFields = ["name", "action", "dry_run", "from", "to", "when", "response", "deny", "body_schema"]
    static let selectorFields = [
        "principals", "namespaces", "service_accounts", "hosts", "paths", "context_extensions",
    ]
    /// Istio's camelCase spellings are accepted too.
    static let camelCase: [String: String] = [
        "dryRun": "dry_run", "serviceAccounts": "service_accounts", "trustDomains": "trust_domains",
        "ipBlocks": "ip_blocks", "notPrincipals": "not_principals", "notNamespaces": "not_namespaces",
        "notServiceAccounts": "not_service_accounts", "notTrustDomains": "not_trust_domains",
        "notIpBlocks": "not_ip_blocks", "notHosts": "not_hosts", "notPorts": "not_ports",
        "notMethods": "not_methods", "notPaths": "not_paths", "contextExtensions": "context_extensions",
        "setHeaders": "set_headers", "removeHeaders": "remove_headers", "responseHeaders": "response_headers",
        "setQueryParams": "set_query_params", "removeQueryParams": "remove_query_params", "bodySchema": "body_schema",
    ]

    func policies(in document: YAMLNode) -> [PolicySpec] {
        if document.kind == .sequence {
            return document.children.compactMap { policy($0) }
        }
        if document.kind == .scalar, document.string.isEmpty, document.style == .plain { return [] }  // empty document
        return policy(document).map { [$0] } ?? []
    }

    func policy(_ node: YAMLNode) -> PolicySpec? {
        guard let fields = reader.fields(node, what: "policy", allowed: Self.policyFields, aliases: Self.camelCase)
        else { return nil }
        let location = reader.location(node)
        guard let nameNode = fields["name"] else {
            reader.sink.error("policy has no \"name\"", at: location)
            return nil
        }
        guard let name = reader.nonEmptyString(nameNode.value, what: "policy name") else { return nil }
        var spec = PolicySpec(name: name, location: location)
        if let d = fields["description"] { spec.description = reader.string(d.value, what: "description")?.value ?? "" }
        if let s = fields["selector"] { spec.selector = selector(s.value) }
        if let d = fields["default"] { spec.defaultAllow = defaultAction(d.value) }
        if let d = fields["dry_run"] { spec.dryRun = reader.bool(d.value, what: "dry_run") ?? false }
        if let r = fields["response"] { spec.response = ResponseParser(reader: reader).allow(r.value) }
        if let r = fields["deny"] { spec.deny = ResponseParser(reader: reader).deny(r.value) }
        if let i = fields["identity"] { spec.identity = reader.stringList(i.value, what: "identity") ?? [] }
        if let r = fields["rules"], !PlainScalar.isNull(r.value),
            let items = reader.list(r.value, what: "rules")
        {
            spec.rules = items.compactMap { rule($0) }
        }
        return spec
    }

    func defaultAction(_ node: YAMLNode) -> Bool {
        guard let s = reader.string(node, what: "default") else { return false }
        switch s.value.lowercased() {
        case "allow": return true
        case "deny": return false
        default:
            reader.sink.error("default must be \"allow\" or \"deny\", not \(String(reflecting: s.value))", at: s.location)
            return false
        }
    }

    func selector(_ node: YAMLNode) -> SelectorSpec? {
        guard let fields = reader.fields(node, what: "selector", allowed: Self.selectorFields, aliases: Self.camelCase)
        else { return nil }
        var spec = SelectorSpec(location: reader.location(node))
        for (key, field) in Self.selectorClauses {
            guard let entry = fields[key], let values = reader.stringList(entry.value, what: "selector \(key)") else {
                continue
            }
            spec.clauses.append(
                FieldClause(field: field, negated: false, values: values, location: reader.location(entry.key), key: key))
        }
        if let ce = fields["context_extensions"] {
            spec.contextExtensions = reader.stringMap(ce.value, what: "context_extensions") ?? []
        }
        return spec
    }

    static let selectorClauses: [(String, MatchField)] = [
        ("principals", .destinationPrincipals), ("namespaces", .destinationNamespaces),
        ("service_accounts", .destinationServiceAccounts), ("hosts", .hosts), ("paths", .paths),
    ]

    func rule(_ node: YAMLNode) -> RuleSpec? {
        guard let fields = reader.fields(node, what: "rule", allowed: Self.ruleFields, aliases: Self.camelCase) else {
            return nil
        }
        let location = reader.location(node)
        var action = RuleAction.allow
        if let a = fields["action"], let s = reader.string(a.value, what: "action") {
            if let parsed = RuleAction(rawValue: s.value.lowercased()) {
                action = parsed
            } else {
                reader.sink.error(
                    "action must be allow, deny or audit, not \(String(reflecting: s.value))", at: s.location)
            }
        } else if fields["action"] == nil {
            reader.sink.error("rule has no \"action\" (allow, deny or audit)", at: location)
        }
        var spec = RuleSpec(action: action, location: location)
        if let n = fields["name"] { spec.name = reader.nonEmptyString(n.value, what: "rule name") }
        if let d = fields["dry_run"] { spec.dryRun = reader.bool(d.value, what: "dry_run") ?? false }
        if let f = fields["from"] { spec.from = groups(f.value, what: "from", wrapper: "source", keys: Self.sourceKeys) }
        if let t = fields["to"] { spec.to = groups(t.value, what: "to", wrapper: "operation", keys: Self.operationKeys) }
        if let w = fields["when"], let items = reader.list(w.value, what: "when", allowSingle: true) {
            spec.when = items.compactMap { reader.nonEmptyString($0, what: "a when condition") }
        }
        if let r = fields["response"] { spec.response = ResponseParser(reader: reader).allow(r.value) }
        if let r = fields["deny"] { spec.deny = ResponseParser(reader: reader).deny(r.value) }
        if let b = fields["body_schema"] { spec.bodySchema = reader.nonEmptyString(b.value, what: "body_schema") }
        return spec
    }

    /// The keys a `from` or `to` entry may hold (`principals`, `not_principals`, ...), each with its field and sign,
    /// in the order their clauses are compiled.
    struct GroupKeys {
        let names: [String]
        let clauses: [(key: String, field: MatchField, negated: Bool)]

        init(_ fields: [MatchField]) {
            let positive = fields.map { ($0.rawValue, $0, false) }
            let negative = fields.map { ("not_" + $0.rawValue, $0, true) }
            clauses = (positive + negative).map { (key: $0.0, field: $0.1, negated: $0.2) }
            names = clauses.map(\.key)
        }
    }

    static let sourceKeys = GroupKeys(MatchField.source)
    static let operationKeys = GroupKeys(MatchField.operation)

    /// `from: [ {principals: ...}, ... ]`, also in Istio's wrapped form `from: [ {source: {principals: ...}} ]`.
    func groups(_ node: YAMLNode, what: String, wrapper: String, keys: GroupKeys) -> [ClauseGroup] {
        guard let items = reader.list(node, what: what) else { return [] }
        if items.isEmpty {
            reader.sink.error("\(what) is an empty list, which matches nothing; remove the field instead", at: reader.location(node))
        }
        var out: [ClauseGroup] = []
        out.reserveCapacity(items.count)
        for item in items {
            var inner = item
            if item.kind == .mapping, item.children.count == 2, item.children[0].kind == .scalar,
                item.children[0].string == wrapper
            {
                inner = item.children[1]
            }
            guard let fields = reader.fields(inner, what: "a \(what) entry", allowed: keys.names, aliases: Self.camelCase)
            else { continue }
            if fields.isEmpty {
                reader.sink.error("a \(what) entry must test at least one field", at: reader.location(inner))
                continue
            }
            var clauses: [FieldClause] = []
            clauses.reserveCapacity(fields.entries.count)
            for (key, field, negated) in keys.clauses {
                guard let entry = fields[key], let values = reader.stringList(entry.value, what: key) else { continue }
                clauses.append(
                    FieldClause(field: field, negated: negated, values: values, location: reader.location(entry.key), key: key))
            }
            out.append(ClauseGroup(clauses: clauses, location: reader.location(inner)))
        }
        return out
    }
}
