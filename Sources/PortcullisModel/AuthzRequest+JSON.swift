/// The proto3 JSON form of Envoy's `CheckRequest` (OPA-Envoy's `input`), read and written.
///
/// Reading accepts both lowerCamel (`contextExtensions`) and original snake_case
/// (`context_extensions`) field names, as proto3 JSON parsers do; unknown fields are
/// ignored (OPA-Envoy adds `parsed_path`, `parsed_query`, `version`...). A field of the
/// wrong type is an error naming its path. `int64`/`uint32` accept a number or a
/// decimal string; `bytes` (`rawBody`, `rawValue`) are base64; `time` is RFC 3339.
///
/// Headers: `header_map.headers` (repeated names kept, `raw_value` used when `value`
/// is empty) wins when present; otherwise the `headers` map. Names are lower-cased.
public struct CheckRequestJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Dotted path of the offending field (e.g. `attributes.request.http.size`); empty for syntax errors.
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String {
        path.isEmpty ? "invalid CheckRequest JSON: \(message)" : "invalid CheckRequest JSON at \(path): \(message)"
    }
}

extension AuthzRequest {
    /// Reads the proto3 JSON form of a `CheckRequest`: `{"attributes": {...}}`.
    public init(checkRequestJSON bytes: [UInt8]) throws(CheckRequestJSONError) {
        let root: JSONNode
        do {
            root = try JSONNode.parse(bytes)
        } catch {
            throw CheckRequestJSONError(path: "", message: error.description)
        }
        var r = ProtoJSONReader()
        self = try r.checkRequest(root)
    }

    /// Reads the proto3 JSON form of a `CheckRequest`.
    public init(checkRequestJSON text: String) throws(CheckRequestJSONError) {
        try self.init(checkRequestJSON: Array(text.utf8))
    }

    /// Writes the proto3 JSON form of the `CheckRequest` (lowerCamel names, default
    /// values omitted, compact). Reading it back gives an equal request. Headers go in
    /// the `headers` map (repeated names joined with ","); when a name repeats, they
    /// also go, one per value, in `headerMap`, so nothing is lost.
    public func checkRequestJSON() -> String {
        var w = ProtoJSONWriter()
        w.checkRequest(self)
        return w.out
    }
}

// MARK: - Reading

private struct ProtoJSONReader {
    var path: [String] = []

    func fail(_ message: String) -> CheckRequestJSONError {
        CheckRequestJSONError(path: path.joined(separator: "."), message: message)
    }

    /// The member of `obj` under the camel or snake name; `null` counts as absent.
    func field(_ obj: JSONNode, _ camel: String, _ snake: String? = nil) -> JSONNode? {
        guard case .object(let members) = obj else { return nil }
        var found: JSONNode?
        for (k, v) in members where k == camel || (snake != nil && k == snake) { found = v }
        if case .null? = found { return nil }
        return found
    }

    mutating func within<T>(_ name: String, _ body: (inout ProtoJSONReader) throws(CheckRequestJSONError) -> T)
        throws(CheckRequestJSONError) -> T
    {
        path.append(name)
        defer { path.removeLast() }
        return try body(&self)
    }

    func object(_ n: JSONNode) throws(CheckRequestJSONError) -> [(String, JSONNode)] {
        guard case .object(let m) = n else { throw fail("expected an object") }
        return m
    }

    mutating func string(_ obj: JSONNode, _ camel: String, _ snake: String? = nil) throws(CheckRequestJSONError) -> String {
        guard let n = field(obj, camel, snake) else { return "" }
        guard case .string(let s) = n else {
            path.append(camel)
            defer { path.removeLast() }
            throw fail("expected a string")
        }
        return s
    }

    mutating func integer(_ obj: JSONNode, _ camel: String, _ snake: String?, range: ClosedRange<Int64>)
        throws(CheckRequestJSONError) -> Int64
    {
        guard let n = field(obj, camel, snake) else { return 0 }
        path.append(camel)
        defer { path.removeLast() }
        let v: Int64?
        switch n {
        case .number(let d):
            v = d == d.rounded() && abs(d) < 9.3e18 ? Int64(d) : nil
        case .string(let s):
            v = Int64(s)
        default:
            throw fail("expected an integer")
        }
        guard let v, range.contains(v) else { throw fail("expected an integer in \(range.lowerBound)...\(range.upperBound)") }
        return v
    }

    mutating func stringMap(_ obj: JSONNode, _ camel: String, _ snake: String?) throws(CheckRequestJSONError) -> [String: String] {
        guard let n = field(obj, camel, snake) else { return [:] }
        return try within(camel) { r throws(CheckRequestJSONError) in
            var out: [String: String] = [:]
            for (k, v) in try r.object(n) {
                guard case .string(let s) = v else {
                    r.path.append(k)
                    throw r.fail("expected a string")
                }
                out[k] = s
            }
            return out
        }
    }

    mutating func checkRequest(_ root: JSONNode) throws(CheckRequestJSONError) -> AuthzRequest {
        _ = try object(root)
        var req = AuthzRequest()
        guard let attrs = field(root, "attributes") else { return req }
        try within("attributes") { r throws(CheckRequestJSONError) in
            _ = try r.object(attrs)
            if let s = r.field(attrs, "source") { req.source = try r.within("source") { r throws(CheckRequestJSONError) in try r.peer(s) } }
            if let d = r.field(attrs, "destination") {
                req.destination = try r.within("destination") { r throws(CheckRequestJSONError) in try r.peer(d) }
            }
            if let q = r.field(attrs, "request") {
                try r.within("request") { r throws(CheckRequestJSONError) in
                    _ = try r.object(q)
                    if let t = r.field(q, "time") {
                        try r.within("time") { r throws(CheckRequestJSONError) in
                            guard case .string(let s) = t, let ts = Timestamp(rfc3339: s) else {
                                throw r.fail("expected an RFC 3339 timestamp such as \"2024-01-01T00:00:00Z\"")
                            }
                            req.time = ts
                        }
                    }
                    if let h = r.field(q, "http") {
                        req.http = try r.within("http") { r throws(CheckRequestJSONError) in try r.http(h) }
                    }
                }
            }
            req.contextExtensions = try r.stringMap(attrs, "contextExtensions", "context_extensions")
            req.metadataContext = try r.metadata(attrs, "metadataContext", "metadata_context")
            req.routeMetadataContext = try r.metadata(attrs, "routeMetadataContext", "route_metadata_context")
            if let t = r.field(attrs, "tlsSession", "tls_session") {
                try r.within("tlsSession") { r throws(CheckRequestJSONError) in
                    _ = try r.object(t)
                    req.sni = try r.string(t, "sni")
                }
            }
        }
        return req
    }

    mutating func peer(_ n: JSONNode) throws(CheckRequestJSONError) -> PeerInfo {
        _ = try object(n)
        var p = PeerInfo()
        if let a = field(n, "address") {
            try within("address") { r throws(CheckRequestJSONError) in
                _ = try r.object(a)
                if let sa = r.field(a, "socketAddress", "socket_address") {
                    try r.within("socketAddress") { r throws(CheckRequestJSONError) in
                        _ = try r.object(sa)
                        p.address = try r.string(sa, "address")
                        p.port = UInt32(try r.integer(sa, "portValue", "port_value", range: 0...Int64(UInt32.max)))
                    }
                } else if let pipe = r.field(a, "pipe") {
                    try r.within("pipe") { r throws(CheckRequestJSONError) in
                        _ = try r.object(pipe)
                        p.address = try r.string(pipe, "path")
                    }
                }
            }
        }
        p.service = try string(n, "service")
        p.labels = try stringMap(n, "labels", nil)
        p.principal = try string(n, "principal")
        p.certificate = try string(n, "certificate")
        return p
    }

    mutating func http(_ n: JSONNode) throws(CheckRequestJSONError) -> HTTPRequestInfo {
        _ = try object(n)
        var h = HTTPRequestInfo(size: 0)
        h.id = try string(n, "id")
        h.method = try string(n, "method")
        h.path = try string(n, "path")
        h.host = try string(n, "host")
        h.scheme = try string(n, "scheme")
        h.fragment = try string(n, "fragment")
        h.protocol = try string(n, "protocol")
        h.body = try string(n, "body")
        h.size = try integer(n, "size", nil, range: Int64.min...Int64.max)
        // Envoy leaves `query` empty and sends it in `path`; fold a separate one in.
        let query = try string(n, "query")
        if !query.isEmpty, !h.path.contains("?") { h.path += "?" + query }
        if let rb = field(n, "rawBody", "raw_body") {
            try within("rawBody") { r throws(CheckRequestJSONError) in
                guard case .string(let s) = rb, let bytes = Base64.decode(s) else { throw r.fail("expected base64 text") }
                h.rawBody = bytes
            }
        }
        var headers = HTTPHeaders()
        var fromMap = false
        if let hm = field(n, "headerMap", "header_map") {
            try within("headerMap") { r throws(CheckRequestJSONError) in
                _ = try r.object(hm)
                guard let list = r.field(hm, "headers") else { return }
                try r.within("headers") { r throws(CheckRequestJSONError) in
                    guard case .array(let items) = list else { throw r.fail("expected an array") }
                    for (i, item) in items.enumerated() {
                        try r.within(String(i)) { r throws(CheckRequestJSONError) in
                            _ = try r.object(item)
                            let key = try r.string(item, "key")
                            var value = try r.string(item, "value")
                            if value.isEmpty, let raw = r.field(item, "rawValue", "raw_value") {
                                guard case .string(let s) = raw, let bytes = Base64.decode(s) else {
                                    r.path.append("rawValue")
                                    throw r.fail("expected base64 text")
                                }
                                value = String(decoding: bytes, as: UTF8.self)
                            }
                            headers.add(key, value)
                            fromMap = true
                        }
                    }
                }
            }
        }
        if !fromMap, let hs = field(n, "headers") {
            try within("headers") { r throws(CheckRequestJSONError) in
                for (k, v) in try r.object(hs) {
                    guard case .string(let s) = v else {
                        r.path.append(k)
                        throw r.fail("expected a string")
                    }
                    headers.add(k, s)
                }
            }
        }
        h.headers = headers
        return h
    }

    mutating func metadata(_ obj: JSONNode, _ camel: String, _ snake: String) throws(CheckRequestJSONError) -> [String: JSONValue] {
        guard let m = field(obj, camel, snake) else { return [:] }
        return try within(camel) { r throws(CheckRequestJSONError) in
            _ = try r.object(m)
            guard let fm = r.field(m, "filterMetadata", "filter_metadata") else { return [:] }
            return try r.within("filterMetadata") { r throws(CheckRequestJSONError) in
                var out: [String: JSONValue] = [:]
                for (ns, v) in try r.object(fm) {
                    guard case .object = v else {
                        r.path.append(ns)
                        throw r.fail("expected an object (a google.protobuf.Struct)")
                    }
                    out[ns] = v.value
                }
                return out
            }
        }
    }
}

// MARK: - Writing

private struct ProtoJSONWriter {
    var out = ""

    /// Writes `"key":` with a leading comma when needed.
    mutating func key(_ k: String, _ first: inout Bool) {
        if !first { out += "," }
        first = false
        JSONValue.writeString(k, to: &out)
        out += ":"
    }

    mutating func str(_ k: String, _ v: String, _ first: inout Bool) {
        guard !v.isEmpty else { return }
        key(k, &first)
        JSONValue.writeString(v, to: &out)
    }

    mutating func map(_ k: String, _ m: [String: String], _ first: inout Bool) {
        guard !m.isEmpty else { return }
        key(k, &first)
        out += "{"
        var f = true
        for name in m.keys.sorted() {
            key(name, &f)
            JSONValue.writeString(m[name]!, to: &out)
        }
        out += "}"
    }

    mutating func checkRequest(_ r: AuthzRequest) {
        out += "{\"attributes\":{"
        var f = true
        peer("source", r.source, &f)
        peer("destination", r.destination, &f)
        if r.time != nil || r.http != nil {
            key("request", &f)
            out += "{"
            var rf = true
            if let t = r.time { str("time", t.rfc3339, &rf) }
            if let h = r.http { key("http", &rf); http(h) }
            out += "}"
        }
        map("contextExtensions", r.contextExtensions, &f)
        metadata("metadataContext", r.metadataContext, &f)
        metadata("routeMetadataContext", r.routeMetadataContext, &f)
        if !r.sni.isEmpty {
            key("tlsSession", &f)
            out += "{"
            var tf = true
            str("sni", r.sni, &tf)
            out += "}"
        }
        out += "}}"
    }

    mutating func peer(_ name: String, _ p: PeerInfo, _ first: inout Bool) {
        guard !p.address.isEmpty || p.port != 0 || !p.service.isEmpty || !p.labels.isEmpty || !p.principal.isEmpty
            || !p.certificate.isEmpty
        else { return }
        key(name, &first)
        out += "{"
        var f = true
        if !p.address.isEmpty || p.port != 0 {
            key("address", &f)
            out += "{\"socketAddress\":{"
            var af = true
            str("address", p.address, &af)
            if p.port != 0 { key("portValue", &af); out += String(p.port) }
            out += "}}"
        }
        str("service", p.service, &f)
        map("labels", p.labels, &f)
        str("principal", p.principal, &f)
        str("certificate", p.certificate, &f)
        out += "}"
    }

    mutating func http(_ h: HTTPRequestInfo) {
        out += "{"
        var f = true
        str("id", h.id, &f)
        str("method", h.method, &f)
        var names: [String] = []
        var joined: [String: String] = [:]
        var repeated = false
        for field in h.headers {
            if let prev = joined[field.name] {
                joined[field.name] = prev + "," + field.value
                repeated = true
            } else {
                joined[field.name] = field.value
                names.append(field.name)
            }
        }
        if !names.isEmpty {
            key("headers", &f)
            out += "{"
            var hf = true
            for n in names {
                key(n, &hf)
                JSONValue.writeString(joined[n]!, to: &out)
            }
            out += "}"
        }
        str("path", h.path, &f)
        str("host", h.host, &f)
        str("scheme", h.scheme, &f)
        str("fragment", h.fragment, &f)
        if h.size != 0 { key("size", &f); out += "\"\(h.size)\"" }
        str("protocol", h.protocol, &f)
        str("body", h.body, &f)
        if !h.rawBody.isEmpty { str("rawBody", Base64.encode(h.rawBody), &f) }
        if repeated {
            key("headerMap", &f)
            out += "{\"headers\":["
            for (i, field) in h.headers.enumerated() {
                if i > 0 { out += "," }
                out += "{\"key\":"
                JSONValue.writeString(field.name, to: &out)
                out += ",\"value\":"
                JSONValue.writeString(field.value, to: &out)
                out += "}"
            }
            out += "]}"
        }
        out += "}"
    }

    mutating func metadata(_ name: String, _ m: [String: JSONValue], _ first: inout Bool) {
        guard !m.isEmpty else { return }
        key(name, &first)
        out += "{\"filterMetadata\":"
        JSONValue.object(m).write(to: &out)
        out += "}"
    }
}
