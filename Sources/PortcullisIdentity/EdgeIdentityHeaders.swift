import PortcullisModel

/// Identity headers injected by an edge gateway (FortiGate, Zscaler, an ingress) that authenticated
/// the user: trusted only when the request's source principal is one of the gateway principals.
///
/// From any other peer the headers are spoofed: the identity is absent, every configured header
/// must be removed before the request goes upstream (`headersToRemove`), and the attempt should be
/// recorded in the decision.
public struct EdgeIdentityHeaders: Sendable, Hashable {
    /// Gateway principals (SPIFFE IDs). An entry ending in `*` matches by prefix
    /// (`spiffe://cluster.local/ns/edge/sa/*`); others match exactly.
    public let trustedPrincipals: [String]
    /// Header names (lower-cased), e.g. `x-authenticated-user`, `x-authenticated-groups`.
    public let headers: [String]

    public init(trustedPrincipals: [String], headers: [String]) {
        self.trustedPrincipals = trustedPrincipals
        self.headers = headers.map { $0.lowercased() }
    }

    public enum Outcome: Sendable, Hashable {
        /// From a gateway: the configured headers present, by name.
        case trusted([String: String])
        /// From a gateway, but it sent none of the headers.
        case absent
        /// From another peer, carrying these configured headers: forged.
        case spoofed(present: [String])
    }

    /// Whether `principal` is a gateway.
    public func isTrusted(principal: String) -> Bool {
        guard !principal.isEmpty else { return false }
        for p in trustedPrincipals {
            if p.hasSuffix("*") {
                if principal.hasPrefix(p.dropLast()) { return true }
            } else if p == principal {
                return true
            }
        }
        return false
    }

    /// Evaluates the request. A peer that is not a gateway and sends none of the headers is `.absent`.
    public func evaluate(_ request: AuthzRequest) -> Outcome {
        guard let fields = request.http?.headers, headers.contains(where: { fields.first($0) != nil }) else { return .absent }
        var present: [String: String] = [:]
        for name in headers {
            if let v = fields[name] { present[name] = v }
        }
        if isTrusted(principal: request.source.principal) {
            return present.isEmpty ? .absent : .trusted(present)
        }
        return present.isEmpty ? .absent : .spoofed(present: headers.filter { present[$0] != nil })
    }

    /// The headers to strip on the way upstream: all configured names unless the peer is a gateway.
    public func headersToRemove(_ request: AuthzRequest) -> [String] {
        isTrusted(principal: request.source.principal) ? [] : headers
    }

    /// A comma-separated header value (e.g. groups) as a list, items trimmed, empties dropped.
    public static func list(_ value: String) -> [String] {
        if let ascii = asciiList(value) { return ascii }
        return value.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// `list` over the bytes of an ASCII value (as gateways send), where every byte is a character: the same
    /// items without splitting and trimming by grapheme. nil when the value is not ASCII.
    static func asciiList(_ value: String) -> [String]? {
        var value = value
        return value.withUTF8 { u -> [String]? in
            var items: [String] = []
            var start = 0
            while start <= u.count {
                var end = start
                while end < u.count, u[end] != 0x2C {
                    guard u[end] < 0x80 else { return nil }
                    end += 1
                }
                var a = start
                var b = end
                while a < b, u[a] == 0x20 || u[a] == 0x09 { a += 1 }
                while b > a, u[b - 1] == 0x20 || u[b - 1] == 0x09 { b -= 1 }
                if a < b { items.append(String(decoding: UnsafeBufferPointer(rebasing: u[a..<b]), as: UTF8.self)) }
                start = end + 1
            }
            return items
        }
    }
}

extension EdgeIdentityHeaders.Outcome {
    /// The trusted headers as an object for expressions (`identity.<name>.headers`); nil unless trusted.
    public var jsonValue: JSONValue? {
        guard case .trusted(let values) = self else { return nil }
        return .object(values.mapValues(JSONValue.string))
    }
}
