/// Reads `response:` (what an allow adds to the request) and `deny:` (the denial sent to the client).
struct ResponseParser {
    let reader: NodeReader

    static let allowFields = [
        "set_headers", "remove_headers", "response_headers", "set_query_params", "remove_query_params", "metadata",
    ]
    static let denyFields = ["status", "headers", "body"]

    func allow(_ node: YAMLNode) -> AllowResponseSpec? {
        guard let fields = reader.fields(node, what: "response", allowed: Self.allowFields, aliases: PolicyParser.camelCase)
        else { return nil }
        var spec = AllowResponseSpec()
        if let f = fields["set_headers"] { spec.setHeaders = headerMap(f.value, what: "set_headers") }
        if let f = fields["remove_headers"] {
            spec.removeHeaders = (reader.stringList(f.value, what: "remove_headers") ?? []).compactMap { headerName($0) }
        }
        if let f = fields["response_headers"] { spec.responseHeaders = headerMap(f.value, what: "response_headers") }
        if let f = fields["set_query_params"] {
            spec.setQueryParameters = reader.stringMap(f.value, what: "set_query_params") ?? []
        }
        if let f = fields["remove_query_params"] {
            spec.removeQueryParameters = reader.stringList(f.value, what: "remove_query_params") ?? []
        }
        if let f = fields["metadata"] { spec.metadata = reader.stringMap(f.value, what: "metadata") ?? [] }
        return spec
    }

    func deny(_ node: YAMLNode) -> DenyResponseSpec? {
        guard let fields = reader.fields(node, what: "deny", allowed: Self.denyFields) else { return nil }
        var spec = DenyResponseSpec()
        if let f = fields["status"] { spec.status = reader.int(f.value, what: "status", range: 200...599) }
        if let f = fields["headers"] { spec.headers = headerMap(f.value, what: "headers") }
        if let f = fields["body"] { spec.body = reader.string(f.value, what: "body") }
        return spec
    }

    private func headerMap(_ node: YAMLNode, what: String) -> [(key: Located<String>, value: Located<String>)] {
        (reader.stringMap(node, what: what) ?? []).compactMap { pair in
            headerName(pair.key).map { (key: $0, value: pair.value) }
        }
    }

    /// Header names are lower-cased; only RFC 9110 token characters are accepted.
    private func headerName(_ name: Located<String>) -> Located<String>? {
        let valid = name.value.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
                || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
        guard valid, !name.value.isEmpty else {
            reader.sink.error("\(String(reflecting: name.value)) is not a valid header name", at: name.location)
            return nil
        }
        return Located(value: name.value.lowercased(), location: name.location)
    }
}
