import Foundation
import PortcullisModel

/// Which secrets are masked ("***") in decision logs.
///
/// Headers always masked: `authorization`, `proxy-authorization`, `cookie`, `set-cookie`, and any name
/// containing `api-key`, `apikey`, `api_key`, `token`, `secret` or `password`; plus the configured ones.
/// Body fields (in a JSON body at any depth, or a form-encoded body) and query parameters named in
/// `fields` are masked, as are `access_token`, `api_key`, `apikey`, `password`, `client_secret`.
public struct Masking: Sendable {
    public static let mask = "***"
    public static let alwaysMaskedHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]
    static let maskedHeaderFragments = ["api-key", "apikey", "api_key", "token", "secret", "password"]
    public static let alwaysMaskedFields: Set<String> = ["access_token", "api_key", "apikey", "password", "client_secret"]

    /// Headers whose value is a path or URL: their query parameters are masked like the path's.
    public static let urlHeaders: Set<String> = [":path", "x-envoy-original-path", "referer"]

    public var headers: Set<String>
    public var fields: Set<String>

    /// - headers: extra header names to mask (any case).
    /// - fields: extra body fields and query parameters to mask (exact names).
    public init(headers: some Sequence<String> = [], fields: some Sequence<String> = []) {
        self.headers = Self.alwaysMaskedHeaders.union(headers.map { $0.lowercased() })
        self.fields = Self.alwaysMaskedFields.union(fields)
    }

    public func masksHeader(_ name: String) -> Bool {
        let n = name.lowercased()
        if headers.contains(n) { return true }
        return Self.maskedHeaderFragments.contains { n.contains($0) }
    }

    /// The request with secrets masked in headers, query string and body.
    public func apply(to request: AuthzRequest) -> AuthzRequest {
        guard var http = request.http else { return request }
        var r = request
        http.headers = HTTPHeaders(http.headers.map { (f: HTTPHeaders.Field) in
            if masksHeader(f.name) { return (f.name, Self.mask) }
            // Headers that carry the URL carry its query string too.
            if Self.urlHeaders.contains(f.name.lowercased()) { return (f.name, maskPath(f.value)) }
            return (f.name, f.value)
        })
        http.path = maskPath(http.path)
        http.body = maskBody(http.body)
        if !http.rawBody.isEmpty {
            let text = String(decoding: http.rawBody, as: UTF8.self)
            let masked = maskBody(text)
            if masked != text { http.rawBody = Array(masked.utf8) }
        }
        r.http = http
        return r
    }

    /// The path with masked query parameters' values replaced.
    public func maskPath(_ path: String) -> String {
        guard let q = path.firstIndex(of: "?") else { return path }
        return String(path[...q]) + maskForm(String(path[path.index(after: q)...]))
    }

    /// A JSON body with masked fields replaced at any depth; else a form-encoded body masked by name.
    public func maskBody(_ body: String) -> String {
        if body.isEmpty { return body }
        let first = body.first { !$0.isWhitespace }
        if first == "{" || first == "[" {
            guard let value = try? JSONValue(parsing: body) else { return body }
            let (masked, changed) = maskJSON(value, depth: 0)
            return changed ? masked.serialized() : body
        }
        if body.contains("=") { return maskForm(body) }
        return body
    }

    private func maskJSON(_ v: JSONValue, depth: Int) -> (JSONValue, Bool) {
        guard depth < 64 else { return (v, false) }
        switch v {
        case .object(let o):
            var changed = false
            var out: [String: JSONValue] = [:]
            for (k, x) in o {
                if fields.contains(k) {
                    out[k] = .string(Self.mask)
                    changed = true
                } else {
                    let (m, c) = maskJSON(x, depth: depth + 1)
                    out[k] = m
                    changed = changed || c
                }
            }
            return (.object(out), changed)
        case .array(let a):
            var changed = false
            let out = a.map { x -> JSONValue in
                let (m, c) = maskJSON(x, depth: depth + 1)
                changed = changed || c
                return m
            }
            return (.array(out), changed)
        default:
            return (v, false)
        }
    }

    private func maskForm(_ form: String) -> String {
        var fragment = ""
        var query = Substring(form)
        if let h = query.firstIndex(of: "#") {
            fragment = String(query[h...])
            query = query[..<h]
        }
        let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
            guard let eq = part.firstIndex(of: "=") else { return String(part) }
            let name = String(part[..<eq])
            let decoded = name.removingPercentEncoding ?? name
            return fields.contains(decoded) ? name + "=" + Self.mask : String(part)
        }
        return parts.joined(separator: "&") + fragment
    }
}
