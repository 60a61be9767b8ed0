import CEL
import Yams

/// Parses, checks and compiles every file of a bundle.
struct BundleCompiler {
    let files: BundleFiles
    let limits: BundleLimits
    let sink: DiagnosticSink

    init(files: BundleFiles, limits: BundleLimits) {
        self.files = files
        self.limits = limits
        sink = DiagnosticSink(nodeBudget: limits.maxYAMLNodes)
    }

    func compile() -> (CompiledBundle?, [Diagnostic]) {
        var sources: [String: SourceFile] = [:]
        var manifest = ManifestSpec()
        var policySpecs: [PolicySpec] = []
        var dataEntries: [(path: [String], value: CELValue, file: String)] = []
        var testDocuments: [(SourceFile, [Node])] = []
        var sawManifest = false
        var identitySources: [Located<IdentitySource>]?

        for path in files.paths {
            let role = BundleFileRole(path: path)
            guard role != .other, let bytes = files[path] else { continue }
            let file = SourceFile(path: path, bytes: bytes)
            sources[path] = file
            sink.register(file)
            let reader = NodeReader(file: path, sink: sink)
            let documents = YAMLReader.documents(file, sink: sink)
            switch role {
            case .manifest:
                sawManifest = true
                manifest = ManifestParser(reader: reader).manifest(documents)
            case .policy:
                let parser = PolicyParser(reader: reader)
                for document in documents { policySpecs += parser.policies(in: document) }
            case .data:
                guard documents.count == 1, let document = documents.first else {
                    sink.error("a data file must hold exactly one document", file: path)
                    continue
                }
                if let value = DataValue.cel(document, reader: reader, depth: 0, maxDepth: limits.maxDataDepth) {
                    dataEntries.append((dataPath(path), value, path))
                }
            case .test:
                testDocuments.append((file, documents))
            case .identity:
                if identitySources != nil {
                    sink.error("the bundle has both identity.yaml and identity.yml", file: path)
                    continue
                }
                identitySources = IdentityParser(reader: reader, files: files).sources(documents)
            case .other:
                break
            }
        }
        if !sawManifest { sink.error("the bundle has no manifest.yaml", file: "manifest.yaml") }

        // Policies: unique names, compiled in file order.
        let data = buildData(dataEntries)
        let table = VariableTable(data: data)
        let bodySchemas = BodySchemaCatalog(files: files, sink: sink)
        let compiler = PolicyCompiler(sink: sink, files: sources, table: table, bodySchemas: bodySchemas)
        var policies: [CompiledPolicy] = []
        var rules: [CompiledRule] = []
        var seen: [String: SourceLocation] = [:]
        for spec in policySpecs {
            if let first = seen[spec.name.value] {
                sink.error(
                    "policy name \(String(reflecting: spec.name.value)) is already used at \(first.file):\(first.line)",
                    at: spec.name.location)
                continue
            }
            seen[spec.name.value] = spec.name.location
            let (policy, policyRules) = compiler.compile(spec, index: policies.count, firstRule: rules.count)
            policies.append(policy)
            rules += policyRules
        }
        bodySchemas.compileUnreferenced()
        checkIdentityReferences(policySpecs, declared: identitySources)
        if policies.isEmpty, sawManifest, !sink.hasErrors { sink.warning("the bundle has no policies: every request gets the bundle default", at: SourceLocation(file: "manifest.yaml", line: 1, column: 1)) }

        var tests: [PolicyTest] = []
        for (file, documents) in testDocuments {
            tests += TestFileParser(reader: NodeReader(file: file.path, sink: sink)).tests(documents)
        }

        let diagnostics = sink.sorted
        if sink.hasErrors { return (nil, diagnostics) }
        let bundle = CompiledBundle(
            manifest: manifest, policies: policies, rules: rules, table: table, data: data, tests: tests,
            warnings: diagnostics, identity: IdentitySources((identitySources ?? []).map(\.value)))
        return (bundle, diagnostics)
    }

    /// `data/users.yaml` → ["users"]; `data/teams/eu.json` → ["teams", "eu"].
    private func dataPath(_ path: String) -> [String] {
        var parts = path.split(separator: "/").dropFirst().map(String.init)
        if let last = parts.popLast() {
            let stem = last.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
            parts.append(stem)
        }
        return parts
    }

    private func buildData(_ entries: [(path: [String], value: CELValue, file: String)]) -> CELValue {
        final class Tree {
            var value: CELValue?
            var file = ""
            var children: [String: Tree] = [:]
            var order: [String] = []
        }
        let root = Tree()
        for entry in entries {
            var node = root
            var ok = true
            for (i, key) in entry.path.enumerated() {
                if node.value != nil {
                    ok = false
                    break
                }
                if let child = node.children[key] {
                    node = child
                } else {
                    let child = Tree()
                    node.children[key] = child
                    node.order.append(key)
                    node = child
                }
                if i == entry.path.count - 1, node.value != nil || !node.children.isEmpty { ok = false }
            }
            guard ok else {
                sink.error("data file \(entry.file) collides with another data file of the same name", file: entry.file)
                continue
            }
            node.value = entry.value
            node.file = entry.file
        }
        func build(_ t: Tree) -> CELValue {
            if let v = t.value { return v }
            return .map(CELMap(t.order.compactMap { k in t.children[k].map { (CELValue.string(k), build($0)) } }))
        }
        return build(root)
    }
}
