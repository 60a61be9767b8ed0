/// A SPIFFE ID (`spiffe://<trust-domain>/<path>`), validated per the SPIFFE ID specification,
/// with Istio's `/ns/<namespace>/sa/<service-account>` path convention decoded.
public struct SPIFFEID: Sendable, Hashable, CustomStringConvertible {
    /// The trust domain, e.g. `cluster.local`.
    public let trustDomain: String
    /// The path, with its leading `/` (empty for a trust domain's own ID).
    public let path: String
    /// `<ns>` of a `/ns/<ns>/sa/<sa>` path.
    public let namespace: String?
    /// `<sa>` of a `/ns/<ns>/sa/<sa>` path.
    public let serviceAccount: String?

    /// Longest ID accepted (the specification's URI limit).
    public static let maxLength = 2048

    /// Parses an ID; nil unless it is a valid SPIFFE ID: scheme `spiffe` in lower case; a trust
    /// domain of `a-z 0-9 . - _`; no user info, port, query or fragment; path segments that are
    /// non-empty, not `.` or `..`, and of `A-Z a-z 0-9 . - _`.
    public init?(_ text: String) {
        guard text.utf8.count <= Self.maxLength, text.hasPrefix("spiffe://") else { return nil }
        let rest = text.utf8.dropFirst("spiffe://".utf8.count)
        let slash = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        let domain = rest[rest.startIndex..<slash]
        guard !domain.isEmpty, domain.allSatisfy(Self.isTrustDomainByte) else { return nil }
        let pathBytes = rest[slash...]
        var segments: [String] = []
        if !pathBytes.isEmpty {
            let parts = pathBytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            for part in parts {
                guard !part.isEmpty, part.allSatisfy(Self.isPathByte) else { return nil }
                let s = String(decoding: part, as: UTF8.self)
                guard s != ".", s != ".." else { return nil }
                segments.append(s)
            }
        }
        trustDomain = String(decoding: domain, as: UTF8.self)
        path = String(decoding: pathBytes, as: UTF8.self)
        if segments.count == 4, segments[0] == "ns", segments[2] == "sa" {
            namespace = segments[1]
            serviceAccount = segments[3]
        } else {
            namespace = nil
            serviceAccount = nil
        }
    }

    static func isTrustDomainByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
            || c == UInt8(ascii: "_")
    }

    static func isPathByte(_ c: UInt8) -> Bool {
        isTrustDomainByte(c) || (c >= 0x41 && c <= 0x5A)
    }

    public var description: String { "spiffe://" + trustDomain + path }
}
