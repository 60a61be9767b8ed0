import PortcullisModel
import PortcullisPolicy

/// The decision as the JSON `portcullis check` prints: fixed key order, one field per line.
enum CheckOutput {
    static func json(_ d: Decision, explanation: [ExplainEntry]? = nil) -> String {
        func str(_ s: String) -> String {
            var out = ""
            JSONValue.writeString(s, to: &out)
            return out
        }
        func headers(_ hs: [HeaderMutation]) -> String {
            "{" + hs.map { "\(str($0.name)): \(str($0.value))" }.joined(separator: ", ") + "}"
        }
        func strings(_ xs: [String]) -> String { "[" + xs.map(str).joined(separator: ", ") + "]" }
        var fields: [(String, String)] = [
            ("allowed", d.allowed ? "true" : "false"),
            ("status", String(d.httpStatus)),
            ("headers", headers(d.headers)),
            ("remove_headers", strings(d.headersToRemove)),
            ("response_headers", headers(d.responseHeadersToAdd)),
            ("query_params_set", "{" + d.queryParametersToSet.map { "\(str($0.key)): \(str($0.value))" }.joined(separator: ", ") + "}"),
            ("query_params_remove", strings(d.queryParametersToRemove)),
            ("body", str(d.body)),
            ("policy", d.policy.map(str) ?? "null"),
            ("rules", strings(d.rules)),
            ("dry_run", d.dryRun ? "true" : "false"),
            ("metadata", JSONValue.object(d.dynamicMetadata).serialized()),
            ("errors", strings(d.errors)),
        ]
        if let explanation {
            let entries = explanation.map { e -> String in
                var parts = ["\"policy\": \(str(e.policy))"]
                if let r = e.rule { parts.append("\"rule\": \(str(r))") }
                parts.append("\"action\": \(str(e.action))")
                if e.dryRun { parts.append("\"dry_run\": true") }
                switch e.outcome {
                case .matched: parts.append("\"matched\": true")
                case .failed(let why): parts += ["\"matched\": false", "\"failed\": \(str(why))"]
                case .error(let why): parts += ["\"matched\": \"error\"", "\"error\": \(str(why))"]
                }
                return "    {" + parts.joined(separator: ", ") + "}"
            }
            fields.append(("explain", entries.isEmpty ? "[]" : "[\n" + entries.joined(separator: ",\n") + "\n  ]"))
        }
        return "{\n" + fields.map { "  \(str($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}"
    }

    /// The explanation as lines for a person: one per policy selector or rule the index offered.
    static func text(_ entries: [ExplainEntry]) -> String {
        if entries.isEmpty { return "explain: the index offered no policy or rule for this request" }
        return entries.map { e in
            let what = e.rule.map { "\(e.policy)/\($0) (\(e.action)\(e.dryRun ? ", dry-run" : ""))" }
                ?? "\(e.policy) selector\(e.dryRun ? " (dry-run policy)" : "")"
            switch e.outcome {
            case .matched: return "  matched      \(what)"
            case .failed(let why): return "  not matched  \(what): \(why)"
            case .error(let why): return "  error        \(what): \(why)"
            }
        }.joined(separator: "\n")
    }
}
