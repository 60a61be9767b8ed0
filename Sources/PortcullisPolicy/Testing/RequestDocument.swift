import CELSupport
import PortcullisModel

/// Reads a request given as JSON: Envoy's `CheckRequest` in proto3 JSON form (`{"attributes": …}`), OPA-Envoy's
/// `{"input": {"attributes": …}}`, or the shorthand documented in docs/policy-language.md.
public enum RequestDocument {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> AuthzRequest {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw Failure(message: error.description)
        }
        return try parse(value)
    }

    public static func parse(_ value: JSONValue) throws(Failure) -> AuthzRequest {
        guard case .object(let fields) = value else { throw Failure(message: "a request must be a JSON object") }
        if let input = fields["input"], fields.count == 1 { return try parse(input) }
        if fields["attributes"] != nil {
            do {
                return try AuthzRequest(checkRequestJSON: value.serialized())
            } catch {
                throw Failure(message: error.description)
            }
        }
        return try shorthand(fields)
    }

    static let shorthandFields: Set<String> = [
        "method", "path", "host", "scheme", "protocol", "id", "headers", "body", "size", "time", "source",
        "destination", "context_extensions", "sni", "metadata",
    ]

    static func shorthand(_ fields: [String: JSONValue]) throws(Failure) -> AuthzRequest {
        for key in fields.keys.sorted() where !shorthandFields.contains(key) {
            throw Failure(message: "unknown request field \(String(reflecting: key))")
        }
        var http = HTTPRequestInfo(
            id: try string(fields, "id") ?? "", method: try string(fields, "method") ?? "GET",
            path: try string(fields, "path") ?? "/", host: try string(fields, "host") ?? "",
            scheme: try string(fields, "scheme") ?? "https", protocol: try string(fields, "protocol") ?? "HTTP/1.1")
        if let headers = fields["headers"] {
            guard case .object(let h) = headers else { throw Failure(message: "headers must be an object") }
            for name in h.keys.sorted() {
                switch h[name] {
                case .string(let v)?: http.headers.add(name, v)
                case .array(let vs)?:
                    for v in vs {
                        guard case .string(let s) = v else { throw Failure(message: "header \(name) must be a string") }
                        http.headers.add(name, s)
                    }
                default: throw Failure(message: "header \(name) must be a string")
                }
            }
        }
        if let body = fields["body"] {
            // A string is the body as it is; an object or list is sent as JSON (content-type application/json
            // unless the headers say otherwise).
            switch body {
            case .string(let text): http.body = text
            case .object, .array:
                http.body = body.serialized()
                if http.headers.first("content-type") == nil { http.headers.add("content-type", "application/json") }
            default: throw Failure(message: "body must be a string, an object or a list")
            }
            http.size = Int64(http.body.utf8.count)
        }
        if let size = fields["size"] {
            guard case .number(let n) = size, let i = Int64(exactly: n) else { throw Failure(message: "size must be an integer") }
            http.size = i
        }
        if http.host.isEmpty, let h = http.headers.first(":authority") ?? http.headers.first("host") { http.host = h }
        var request = AuthzRequest(http: http)
        if let t = try string(fields, "time") {
            guard let ts = CivilTime.parseTimestamp(t) else { throw Failure(message: "time must be an RFC 3339 timestamp") }
            request.time = Timestamp(seconds: ts.seconds, nanos: ts.nanos)
        }
        if let s = fields["source"] { request.source = try peer(s, "source") }
        if let d = fields["destination"] { request.destination = try peer(d, "destination") }
        if let ce = fields["context_extensions"] { request.contextExtensions = try stringMap(ce, "context_extensions") }
        if let sni = try string(fields, "sni") { request.sni = sni }
        if let m = fields["metadata"] {
            guard case .object(let md) = m else { throw Failure(message: "metadata must be an object") }
            request.metadataContext = md
        }
        return request
    }

    private static func string(_ fields: [String: JSONValue], _ key: String) throws(Failure) -> String? {
        guard let v = fields[key] else { return nil }
        guard case .string(let s) = v else { throw Failure(message: "\(key) must be a string") }
        return s
    }

    private static func stringMap(_ value: JSONValue, _ what: String) throws(Failure) -> [String: String] {
        guard case .object(let o) = value else { throw Failure(message: "\(what) must be an object") }
        var out: [String: String] = [:]
        for (k, v) in o {
            guard case .string(let s) = v else { throw Failure(message: "\(what).\(k) must be a string") }
            out[k] = s
        }
        return out
    }

    private static func peer(_ value: JSONValue, _ what: String) throws(Failure) -> PeerInfo {
        guard case .object(let o) = value else { throw Failure(message: "\(what) must be an object") }
        for key in o.keys.sorted() where !["address", "port", "principal", "labels"].contains(key) {
            throw Failure(message: "unknown field \(what).\(key)")
        }
        var peer = PeerInfo()
        peer.address = try string(o, "address") ?? ""
        peer.principal = try string(o, "principal") ?? ""
        if let p = o["port"] {
            guard case .number(let n) = p, let port = UInt32(exactly: n) else { throw Failure(message: "\(what).port must be a port number") }
            peer.port = port
        }
        if let l = o["labels"] { peer.labels = try stringMap(l, "\(what).labels") }
        return peer
    }
}
