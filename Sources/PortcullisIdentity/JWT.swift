import JSONSchema
import PortcullisModel

/// A compact JWS (`header.payload.signature`) decoded but NOT verified. Use `JWTVerifier`
/// to obtain a `VerifiedJWT`; nothing in an unverified token may be trusted.
public struct JWT: Sendable {
    /// The protected header, as a JSON object.
    public let header: [String: JSONValue]
    /// The claims set, as a JSON object (nested claims kept as they are).
    public let claims: [String: JSONValue]
    /// The header's `alg`.
    public let algorithm: JWTAlgorithm
    /// The header's `kid`, when present.
    public let keyID: String?
    /// `header.payload` as sent: the bytes the signature covers.
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Largest token accepted by default (bytes).
    public static let defaultMaxBytes = 16 * 1024
    static let segmentLimits = JSONParseLimits(maxBytes: 16 * 1024, maxDepth: 32)

    /// Decodes a compact JWS strictly: exactly three segments of canonical base64url, a header and
    /// a payload that are JSON objects (strict parser: no duplicate keys), a string `alg` that is
    /// implemented and not `none`, no `crit`, and well-typed registered claims.
    public static func parse(_ token: String, maxBytes: Int = defaultMaxBytes) throws(JWTError) -> JWT {
        let bytes = Array(token.utf8)
        guard bytes.count <= maxBytes else { throw .malformed("token longer than \(maxBytes) bytes") }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .malformed(parts.count == 5 ? "encrypted tokens (JWE) are not supported" : "expected three segments")
        }
        guard let headerBytes = Base64URL.decode(bytes: Array(parts[0])) else { throw .malformed("header is not base64url") }
        guard let payloadBytes = Base64URL.decode(bytes: Array(parts[1])) else { throw .malformed("payload is not base64url") }
        guard let signature = Base64URL.decode(bytes: Array(parts[2])) else { throw .malformed("signature is not base64url") }
        let parser = JSONParser(limits: segmentLimits)
        let header: [String: JSONValue]
        let claims: [String: JSONValue]
        do {
            guard case .object(let h) = try parser.parse(headerBytes) else { throw JWTError.malformed("header is not a JSON object") }
            header = h
        } catch let e as StrictJSONError {
            throw .malformed("header: \(e)")
        } catch {
            throw .malformed("header is not a JSON object")
        }
        guard let algValue = header["alg"], case .string(let algName) = algValue else {
            throw .malformed("header has no alg")
        }
        if algName.lowercased() == "none" { throw .algorithmNone }
        guard let algorithm = JWTAlgorithm(rawValue: algName) else { throw .unsupportedAlgorithm(algName) }
        if header["crit"] != nil { throw .criticalHeader }
        var keyID: String?
        if let kid = header["kid"] {
            guard case .string(let k) = kid else { throw .malformed("kid is not a string") }
            keyID = k
        }
        do {
            guard case .object(let c) = try parser.parse(payloadBytes) else { throw JWTError.malformed("claims are not a JSON object") }
            claims = c
        } catch let e as StrictJSONError {
            throw .malformed("claims: \(e)")
        } catch {
            throw .malformed("claims are not a JSON object")
        }
        for name in ["exp", "nbf", "iat"] {
            if let v = claims[name], case .number(let d) = v, d.isFinite { continue }
            if claims[name] != nil { throw .malformed("\(name) is not a number") }
        }
        if let iss = claims["iss"], iss.stringValue == nil { throw .malformed("iss is not a string") }
        if let sub = claims["sub"], sub.stringValue == nil { throw .malformed("sub is not a string") }
        if let aud = claims["aud"] {
            switch aud {
            case .string: break
            case .array(let items) where items.allSatisfy({ $0.stringValue != nil }): break
            default: throw .malformed("aud is not a string or an array of strings")
            }
        }
        let signingInput = Array(bytes[parts[0].startIndex..<parts[1].endIndex])
        return JWT(header: header, claims: claims, algorithm: algorithm, keyID: keyID,
                   signingInput: signingInput, signature: signature)
    }

    /// `iss`.
    public var issuer: String? { claims["iss"]?.stringValue }
    /// `sub`.
    public var subject: String? { claims["sub"]?.stringValue }
    /// `aud`, as a list whether it was a string or an array.
    public var audiences: [String] {
        switch claims["aud"] {
        case .string(let s)?: return [s]
        case .array(let items)?: return items.compactMap(\.stringValue)
        default: return []
        }
    }
    /// `exp`, seconds since the epoch.
    public var expiresAt: Double? { number("exp") }
    /// `nbf`, seconds since the epoch.
    public var notBefore: Double? { number("nbf") }
    /// `iat`, seconds since the epoch.
    public var issuedAt: Double? { number("iat") }

    func number(_ name: String) -> Double? {
        if case .number(let d)? = claims[name] { return d }
        return nil
    }
}

/// A token whose signature verified and whose claims passed validation.
public struct VerifiedJWT: Sendable {
    public let header: [String: JSONValue]
    public let claims: [String: JSONValue]
    public let algorithm: JWTAlgorithm
    public let keyID: String?
    public let issuer: String?
    public let subject: String?
    public let audiences: [String]
    public let expiresAt: Double?

    init(_ token: JWT) {
        header = token.header
        claims = token.claims
        algorithm = token.algorithm
        keyID = token.keyID
        issuer = token.issuer
        subject = token.subject
        audiences = token.audiences
        expiresAt = token.expiresAt
    }

    /// The claims as one JSON object, for expressions (`jwt.claims`).
    public var claimsValue: JSONValue { .object(claims) }

    /// A nested claim by path, e.g. `claim(["realm_access", "roles"])`.
    public func claim(_ path: [String]) -> JSONValue? {
        guard let first = path.first, var value = claims[first] else { return nil }
        for key in path.dropFirst() {
            guard let next = value[key] else { return nil }
            value = next
        }
        return value
    }
}
