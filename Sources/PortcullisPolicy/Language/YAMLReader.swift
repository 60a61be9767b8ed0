import Yams

/// Parses a YAML file into its documents, turning a syntax error into a diagnostic.
enum YAMLReader {
    /// The documents of a policy, manifest or data file. `YAMLComposer` reads files without a problem; a file with
    /// one is read by Yams (below), so its diagnostic, and the documents before it, are exactly Yams'.
    static func nodes(_ file: SourceFile, sink: DiagnosticSink) -> [YAMLNode] {
        if let nodes = YAMLComposer.documents(file.text) { return nodes }
        return documents(file, sink: sink).map { YAMLNode($0) }
    }

    static func documents(_ file: SourceFile, sink: DiagnosticSink) -> [Node] {
        do {
            // The basic resolver (no implicit tags): plain scalars are resolved by PlainScalar, without Yams' regular
            // expressions, which dominated loading time (Yams hashes every mapping key to find duplicates).
            var sequence = try Yams.compose_all(yaml: file.text, .basic)
            var nodes: [Node] = []
            while let node = sequence.next() {
                nodes.append(node)
            }
            if let error = sequence.error { report(error, file: file, sink: sink) }
            return nodes
        } catch {
            report(error, file: file, sink: sink)
            return []
        }
    }

    private static func report(_ error: Error, file: SourceFile, sink: DiagnosticSink) {
        guard let yamlError = error as? YamlError else {
            sink.error("invalid YAML: \(error)", file: file.path)
            return
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " \(context.text)" }
            sink.error(message, at: SourceLocation(file: file.path, line: mark.line, column: mark.column))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { String(reflecting: $0) }.joined(separator: ", ")
            sink.error(
                "duplicate key \(keys) in mapping",
                at: SourceLocation(file: file.path, line: context.mark.line, column: context.mark.column))
        case .reader(let problem, _, _, _):
            sink.error("invalid YAML: \(problem)", file: file.path)
        default:
            sink.error("invalid YAML: \(yamlError)", file: file.path)
        }
    }
}
