import CEL
import CELSupport

/// Turns checked policy specs into compiled policies and rules, reporting every problem.
struct PolicyCompiler {
    let sink: DiagnosticSink
    let files: [String: SourceFile]
    let table: VariableTable
    /// Compiles the schemas rules name in `body_schema`.
    var bodySchemas: BodySchemaCatalog?
    /// Programs by source text, for this load: an expression written many times is parsed, checked and planned once
    /// (a program is immutable, so rules share it); its errors are reported at every place it is written.
    private let programs = ProgramCache()

    private final class ProgramCache {
        var programs: [String: Result<CELProgram, CELCompileError>] = [:]
    }

    init(sink: DiagnosticSink, files: [String: SourceFile], table: VariableTable, bodySchemas: BodySchemaCatalog? = nil) {
        self.sink = sink
        self.files = files
        self.table = table
        self.bodySchemas = bodySchemas
    }

    enum ExpressionKind {
        case condition
        case value
    }

    func compile(_ spec: PolicySpec, index: Int, firstRule: Int) -> (CompiledPolicy, [CompiledRule]) {
        let allow = spec.response.map { allowResponse($0) } ?? AllowResponse()
        let deny = spec.deny.map { denyResponse($0) } ?? DenyResponse()
        var rules: [CompiledRule] = []
        var names: [String: SourceLocation] = [:]
        for (i, ruleSpec) in spec.rules.enumerated() {
            let name = ruleSpec.name?.value ?? "rules[\(i)]"
            if let previous = names[name] {
                sink.error(
                    "rule name \(String(reflecting: name)) is used twice in policy \(String(reflecting: spec.name.value)) (first at line \(previous.line))",
                    at: ruleSpec.name?.location ?? ruleSpec.location)
            }
            names[name] = ruleSpec.location
            rules.append(rule(ruleSpec, name: name, policy: index, allow: allow, deny: deny))
        }
        var selector: FieldGroup?
        if let s = spec.selector {
            var tests = s.clauses.compactMap { fieldTest($0) }
            for (k, v) in s.contextExtensions {
                tests.append(FieldTest(kind: .contextExtension(key: k.value, value: v.value), negated: false, key: "context_extensions.\(k.value)"))
            }
            selector = FieldGroup(tests: tests)
        }
        if spec.defaultAllow, spec.selector == nil, !spec.dryRun {
            sink.warning(
                "policy \(String(reflecting: spec.name.value)) has no selector and default allow: it allows every request no deny rule matches",
                at: spec.location)
        }
        let policy = CompiledPolicy(
            name: spec.name.value, description: spec.description, selector: selector, defaultAllow: spec.defaultAllow,
            dryRun: spec.dryRun, allow: allow, deny: deny, rules: firstRule..<(firstRule + rules.count),
            identity: spec.identity.map(\.value), location: spec.location)
        return (policy, rules)
    }

    private func rule(_ spec: RuleSpec, name: String, policy: Int, allow: AllowResponse, deny: DenyResponse) -> CompiledRule {
        if spec.action != .allow, spec.response != nil {
            sink.warning("\"response\" only applies to allow rules", at: spec.location)
        }
        if spec.action != .deny, spec.deny != nil {
            sink.warning("\"deny\" only applies to deny rules", at: spec.location)
        }
        return CompiledRule(
            name: name, policy: policy, action: spec.action, dryRun: spec.dryRun,
            from: spec.from.map { FieldGroup(tests: $0.clauses.compactMap { fieldTest($0) }) },
            to: spec.to.map { FieldGroup(tests: $0.clauses.compactMap { fieldTest($0) }) },
            when: spec.when.compactMap { expression($0, kind: .condition) },
            allow: spec.response.map { allowResponse($0).merged(over: allow) } ?? allow,
            deny: spec.deny.map { denyResponse($0).merged(over: deny) } ?? deny,
            location: spec.location,
            bodySchema: spec.bodySchema.flatMap { bodySchemas?.schema($0) })
    }

    // MARK: Fields

    func fieldTest(_ clause: FieldClause) -> FieldTest? {
        let kind: FieldTest.Kind?
        switch clause.field {
        case .principals: kind = strings(.sourcePrincipal, clause, principal: true)
        case .namespaces: kind = strings(.sourceNamespace, clause)
        case .serviceAccounts: kind = strings(.sourceServiceAccount, clause)
        case .trustDomains: kind = strings(.sourceTrustDomain, clause)
        case .destinationPrincipals: kind = strings(.destinationPrincipal, clause, principal: true)
        case .destinationNamespaces: kind = strings(.destinationNamespace, clause)
        case .destinationServiceAccounts: kind = strings(.destinationServiceAccount, clause)
        case .hosts: kind = hosts(clause)
        case .methods: kind = methods(clause)
        case .ports: kind = ports(clause)
        case .paths: kind = paths(clause)
        case .ipBlocks: kind = ipBlocks(clause)
        }
        return kind.map { FieldTest(kind: $0, negated: clause.negated, key: clause.key) }
    }

    private func strings(_ attribute: StringAttribute, _ clause: FieldClause, principal: Bool = false) -> FieldTest.Kind {
        let patterns = clause.values.map { v -> StringPattern in
            var text = v.value
            // Istio writes principals without the scheme: cluster.local/ns/default/sa/api.
            if principal, !text.contains("://"), !text.hasPrefix("*"), text.utf8.contains(UInt8(ascii: "/")) { text = "spiffe://" + text }
            return StringPattern(glob: text)
        }
        return .strings(attribute, StringSetMatcher(patterns))
    }

    private func hosts(_ clause: FieldClause) -> FieldTest.Kind? {
        var patterns: [StringPattern] = []
        for v in clause.values {
            let text = v.value.lowercased()
            let pattern = StringPattern(glob: text)
            if case .glob = pattern {
                sink.error("a host may only start or end with \"*\" (as in *.example.com or api.*)", at: v.location)
                continue
            }
            if text.utf8.contains(UInt8(ascii: ":")), !text.utf8.contains(UInt8(ascii: "*")), !text.hasPrefix("[") {
                sink.warning("hosts are matched without their port; \(String(reflecting: v.value)) will never match", at: v.location)
            }
            patterns.append(pattern)
        }
        return .strings(.host, StringSetMatcher(patterns))
    }

    private func methods(_ clause: FieldClause) -> FieldTest.Kind? {
        var patterns: [StringPattern] = []
        for v in clause.values {
            if v.value == "*" {
                patterns.append(.presence)
            } else if v.value.utf8.contains(UInt8(ascii: "*")) || v.value.utf8.contains(UInt8(ascii: " ")) {
                sink.error("\(String(reflecting: v.value)) is not an HTTP method", at: v.location)
            } else {
                patterns.append(.exact(v.value.uppercased()))
            }
        }
        return .strings(.method, StringSetMatcher(patterns))
    }

    private func ports(_ clause: FieldClause) -> FieldTest.Kind? {
        var ports: Set<UInt32> = []
        for v in clause.values {
            guard let port = UInt32(v.value), port >= 1, port <= 65535 else {
                sink.error("\(String(reflecting: v.value)) is not a port (1-65535)", at: v.location)
                continue
            }
            ports.insert(port)
        }
        return .ports(ports)
    }

    private func paths(_ clause: FieldClause) -> FieldTest.Kind? {
        var patterns: [PathPattern] = []
        for v in clause.values {
            switch PathPattern.parse(v.value) {
            case .success(let p): patterns.append(p)
            case .failure(let e): sink.error(e.message, at: v.location)
            }
        }
        return .paths(patterns)
    }

    private func ipBlocks(_ clause: FieldClause) -> FieldTest.Kind? {
        var blocks: [CIDR] = []
        for v in clause.values {
            guard let block = CIDR.parse(v.value) else {
                sink.error("\(String(reflecting: v.value)) is not an IP address or CIDR block", at: v.location)
                continue
            }
            if block.masked != block {
                sink.warning("\(v.value) has host bits set; it is read as \(block.masked.description)", at: v.location)
            }
            blocks.append(block.masked)
        }
        return .ipBlocks(blocks)
    }

    // MARK: Responses

    func allowResponse(_ spec: AllowResponseSpec) -> AllowResponse {
        AllowResponse(
            setHeaders: named(spec.setHeaders),
            removeHeaders: spec.removeHeaders.map(\.value),
            responseHeaders: named(spec.responseHeaders),
            setQueryParameters: named(spec.setQueryParameters),
            removeQueryParameters: spec.removeQueryParameters.map(\.value),
            metadata: named(spec.metadata))
    }

    func denyResponse(_ spec: DenyResponseSpec) -> DenyResponse {
        DenyResponse(
            status: spec.status?.value, headers: named(spec.headers),
            body: spec.body.flatMap { expression($0, kind: .value) })
    }

    private func named(_ pairs: [(key: Located<String>, value: Located<String>)]) -> [NamedExpression] {
        pairs.compactMap { pair in
            expression(pair.value, kind: .value).map { NamedExpression(name: pair.key.value, expression: $0) }
        }
    }

    // MARK: Expressions

    func expression(_ text: Located<String>, kind: ExpressionKind) -> CompiledExpression? {
        let compiled: Result<CELProgram, CELCompileError>
        if let cached = programs.programs[text.value] {
            compiled = cached
        } else {
            do throws(CELCompileError) {
                compiled = .success(try CELProgram(text.value, environment: table.environment))
            } catch {
                compiled = .failure(error)
            }
            programs.programs[text.value] = compiled
        }
        let program: CELProgram
        switch compiled {
        case .success(let p):
            program = p
        case .failure(let error):
            for d in error.diagnostics {
                sink.error("invalid expression: \(d.message)", at: position(of: d, in: text))
            }
            return nil
        }
        switch (kind, program.resultType) {
        case (.condition, .bool), (.condition, .dyn): break
        case (.condition, let t):
            sink.error("a when condition must be a bool expression; this one is \(t)", at: text.location)
            return nil
        case (.value, .string), (.value, .int), (.value, .uint), (.value, .double), (.value, .bool), (.value, .dyn): break
        case (.value, let t):
            sink.error("a header, parameter or body value must be a string expression; this one is \(t)", at: text.location)
            return nil
        }
        return CompiledExpression(program: program, source: text.value, location: text.location)
    }

    /// Where a CEL diagnostic falls in the YAML file.
    private func position(of d: CELDiagnostic, in text: Located<String>) -> SourceLocation {
        var loc = text.location
        let line = files[loc.file]?.line(loc.line) ?? ""
        let tail = line.dropFirst(max(loc.column - 1, 0)).trimmingPrefix(while: { $0 == " " })
        if tail.hasPrefix("|") || tail.hasPrefix(">") {
            // A block scalar: the text starts on the next line, at that line's indentation.
            let body = files[loc.file]?.line(loc.line + d.line) ?? ""
            loc.line += d.line
            loc.column = body.prefix(while: { $0 == " " }).count + d.column
        } else if d.line == 1 {
            loc.column += d.column - 1
        } else {
            loc.line += d.line - 1
            let body = files[loc.file]?.line(loc.line) ?? ""
            loc.column = body.prefix(while: { $0 == " " }).count + d.column
        }
        return loc
    }
}

extension Substring {
    fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        var s = self
        while let c = s.first, predicate(c) { s = s.dropFirst() }
        return s
    }
}
