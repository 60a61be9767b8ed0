/// The JSON form of a decision, as `portcullis check` prints it and decision logs record it.
extension Decision {
    /// `{"allowed", "status", "headers", "remove_headers", "response_headers", "body", "policy",
    /// "rules", "dry_run", "errors"}`, plus `query_parameters_to_set`, `query_parameters_to_remove`
    /// and `dynamic_metadata` when they are not empty. `status` is the HTTP status Envoy will use
    /// (200 on allow). `headers` and `response_headers` map each name to its value (values of a
    /// repeated name joined with ","); `policy` is null when no policy decided.
    public var jsonValue: JSONValue {
        func headerObject(_ hs: [HeaderMutation]) -> JSONValue {
            var out: [String: JSONValue] = [:]
            for h in hs {
                if case .string(let prev)? = out[h.name] {
                    out[h.name] = .string(prev + "," + h.value)
                } else {
                    out[h.name] = .string(h.value)
                }
            }
            return .object(out)
        }
        var o: [String: JSONValue] = [
            "allowed": .bool(allowed),
            "status": .number(Double(allowed ? 200 : httpStatus)),
            "headers": headerObject(headers),
            "remove_headers": .array(headersToRemove.map { .string($0) }),
            "response_headers": headerObject(responseHeadersToAdd),
            "body": .string(body),
            "policy": policy.map { .string($0) } ?? .null,
            "rules": .array(rules.map { .string($0) }),
            "dry_run": .bool(dryRun),
            "errors": .array(errors.map { .string($0) }),
        ]
        if !queryParametersToSet.isEmpty {
            o["query_parameters_to_set"] = .object(Dictionary(
                queryParametersToSet.map { ($0.key, JSONValue.string($0.value)) }, uniquingKeysWith: { _, last in last }))
        }
        if !queryParametersToRemove.isEmpty {
            o["query_parameters_to_remove"] = .array(queryParametersToRemove.map { .string($0) })
        }
        if !dynamicMetadata.isEmpty { o["dynamic_metadata"] = .object(dynamicMetadata) }
        return .object(o)
    }
}
