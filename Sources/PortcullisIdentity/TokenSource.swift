import JSONSchema
import PortcullisModel

/// Where a credential (bearer token or API key) is read from in a request.
public enum TokenSource: Sendable, Hashable {
    /// `Authorization: Bearer <token>` (scheme matched case-insensitively).
    case authorizationBearer
    /// A named header's whole value (e.g. `x-api-key`); surrounding spaces trimmed.
    case header(String)
    /// A cookie by name, from the `cookie` header(s).
    case cookie(String)
    /// A query parameter by name, percent-decoded.
    case query(String)

    /// The credential, or nil when the request does not carry one here. An empty value counts as
    /// absent. Several occurrences (two headers, two parameters) yield the first.
    public func extract(from request: AuthzRequest) -> String? {
        // Fields are read in place: `let http = request.http` would copy every field of the HTTP attributes.
        guard let headers = request.http?.headers else { return nil }
        // The query string is found only for a query source: most sources read a header.
        if case .query = self { return extract(headers: headers, query: request.http?.query ?? "") }
        return extract(headers: headers)
    }

    /// The same over headers and a raw query string.
    public func extract(headers: HTTPHeaders, query: Substring = "") -> String? {
        let value: String?
        switch self {
        case .authorizationBearer:
            value = headers.first("authorization").flatMap(Self.bearer)
        case .header(let name):
            value = headers.first(HTTPHeaders.lowercased(name)).flatMap(Self.headerCredential)
        case .cookie(let name):
            value = headers.values("cookie").lazy.compactMap { Self.cookie(name, in: $0) }.first
        case .query(let name):
            value = Self.queryParameter(name, in: query)
        }
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// The credential in a whole header value (`header(_)`): without surrounding spaces; nil when that is empty.
    public static func headerCredential(_ value: String) -> String? {
        let v = value.trimmingSpaces()
        return v.isEmpty ? nil : v
    }

    /// The token of a `Bearer` credential, or nil for another scheme.
    /// Works on the UTF-8 bytes (the scheme compared ASCII case-insensitively) and copies only the token: a
    /// bearer header is long (a JWT of a kilobyte or more) and read on every request that carries one.
    static func bearer(_ authorization: String) -> String? {
        bearerRange(authorization).map { String(authorization[$0]) }
    }

    /// Where the token of a `Bearer` credential lies in `authorization` (nil for another scheme): a caller that
    /// only needs its digest (a token seen before) reads it in place, without copying it.
    public static func bearerRange(_ authorization: String) -> Range<String.Index>? {
        let u = authorization.utf8
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        var start = u.startIndex
        var end = u.endIndex
        while start < end, isBlank(u[start]) { start = u.index(after: start) }
        while start < end, isBlank(u[u.index(before: end)]) { end = u.index(before: end) }
        guard let space = u[start..<end].firstIndex(of: 0x20) else { return nil }
        // "bearer" in any case: OR-ing 0x20 lower-cases an ASCII letter, and no other byte maps onto these.
        guard u.distance(from: start, to: space) == 6,
            zip(u[start..<space], "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 })
        else { return nil }
        var token = space
        while token < end, isBlank(u[token]) { token = u.index(after: token) }
        return token..<end
    }

    /// A cookie's value from one `Cookie` header (`a=1; b=2`); surrounding double quotes removed.
    static func cookie(_ name: String, in header: String) -> String? {
        for pair in header.split(separator: ";") {
            let p = pair.trimmingSpaces()
            guard let eq = p.firstIndex(of: "="), p[..<eq] == name else { continue }
            var v = Substring(p[p.index(after: eq)...])
            if v.count >= 2, v.first == "\"", v.last == "\"" { v = v.dropFirst().dropLast() }
            return String(v)
        }
        return nil
    }

    /// A query parameter's first value, percent-decoded (`+` is a space); nil when absent or malformed.
    static func queryParameter(_ name: String, in query: Substring) -> String? {
        for pair in query.split(separator: "&") {
            let key: Substring
            let raw: Substring
            if let eq = pair.firstIndex(of: "=") {
                key = pair[..<eq]
                raw = pair[pair.index(after: eq)...]
            } else {
                key = pair
                raw = ""
            }
            guard (try? FormURLEncoded.decode(key.utf8)) == name else { continue }
            return try? FormURLEncoded.decode(raw.utf8)
        }
        return nil
    }
}

extension String {
    /// Without surrounding spaces and tabs. A value with none (nearly every header value) is returned as it is,
    /// decided by its first and last bytes: no copy.
    func trimmingSpaces() -> String {
        let u = utf8
        guard let first = u.first, let last = u.last else { return self }
        if first != 0x20, first != 0x09, last != 0x20, last != 0x09 { return self }
        return Substring(self).trimmingSpaces()
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
