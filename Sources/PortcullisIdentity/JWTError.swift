/// Why a bearer token was refused. Every case has a short, fixed `reason` fit for the
/// `error_description` of a `WWW-Authenticate: Bearer` challenge; reasons never echo token content.
public enum JWTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not three base64url segments, or a header/claims segment that is not a JSON object,
    /// or a registered claim of the wrong type. The detail is for logs.
    case malformed(String)
    /// `alg: none`: an unsecured token.
    case algorithmNone
    /// An `alg` this verifier does not implement.
    case unsupportedAlgorithm(String)
    /// An implemented `alg` that this verifier's configuration does not accept.
    case algorithmNotAllowed(JWTAlgorithm)
    /// The header has a `crit` parameter (no JWS extension is understood).
    case criticalHeader
    /// No key with the token's `kid` (nil: no `kid` and no key fits the algorithm).
    case unknownKey(kid: String?)
    /// The selected key may not verify this algorithm (e.g. RS256 with an EC key, HS256 with an RSA key).
    case keyAlgorithmMismatch(JWTAlgorithm, key: String)
    /// An HMAC algorithm while no shared secret is configured.
    case hmacNotConfigured
    /// The signature does not verify.
    case invalidSignature
    /// `exp` is in the past (beyond the leeway).
    case expired
    /// `nbf` is in the future (beyond the leeway).
    case notYetValid
    /// `iat` is in the future (beyond the leeway).
    case issuedInFuture
    /// A claim the configuration requires is absent (e.g. `exp`).
    case missingClaim(String)
    /// `iss` is not one of the accepted issuers.
    case invalidIssuer
    /// No `aud` value is one of the accepted audiences.
    case invalidAudience
    /// The key set is not available yet (a remote JWKS that has never loaded).
    case keysUnavailable
    /// libcrypto failed.
    case crypto(OpenSSLError)

    /// The `error_description` text.
    public var reason: String {
        switch self {
        case .malformed: return "malformed token"
        case .algorithmNone: return "unsigned tokens (alg none) are not accepted"
        case .unsupportedAlgorithm: return "unsupported signing algorithm"
        case .algorithmNotAllowed: return "signing algorithm not accepted"
        case .criticalHeader: return "unsupported critical header parameter"
        case .unknownKey: return "no key found for the token"
        case .keyAlgorithmMismatch: return "signing algorithm does not match the key"
        case .hmacNotConfigured: return "signing algorithm not accepted"
        case .invalidSignature: return "invalid signature"
        case .expired: return "token expired"
        case .notYetValid: return "token not yet valid"
        case .issuedInFuture: return "token issued in the future"
        case .missingClaim(let name): return "missing \(name) claim"
        case .invalidIssuer: return "issuer not accepted"
        case .invalidAudience: return "audience not accepted"
        case .keysUnavailable: return "signing keys unavailable"
        case .crypto: return "token verification failed"
        }
    }

    /// A fuller text for logs and decision records (still without token content).
    public var description: String {
        switch self {
        case .malformed(let detail): return "malformed token: \(detail)"
        case .unsupportedAlgorithm(let alg): return "unsupported signing algorithm \"\(BearerChallenge.sanitize(alg, limit: 32))\""
        case .algorithmNotAllowed(let alg): return "signing algorithm \(alg.rawValue) not accepted"
        case .unknownKey(let kid):
            return kid.map { "no key with kid \"\(BearerChallenge.sanitize($0, limit: 64))\"" } ?? "no key fits the token's algorithm"
        case .keyAlgorithmMismatch(let alg, let key): return "\(alg.rawValue) cannot be verified with \(key)"
        case .hmacNotConfigured: return "HMAC token but no shared secret is configured"
        case .crypto(let e): return "token verification failed: \(e)"
        default: return reason
        }
    }

    /// The `WWW-Authenticate` value for a 401 with this error.
    public func challenge(realm: String? = nil) -> String {
        BearerChallenge.header(error: "invalid_token", description: reason, realm: realm)
    }
}

/// Builds `WWW-Authenticate: Bearer` challenge values (RFC 6750 §3).
public enum BearerChallenge {
    /// `Bearer realm="…", error="…", error_description="…"`. Quotes and backslashes are escaped;
    /// characters outside printable ASCII (which RFC 6750 forbids in these values) become `?`.
    public static func header(error: String? = "invalid_token", description: String? = nil, realm: String? = nil) -> String {
        var params: [String] = []
        if let realm { params.append("realm=\"\(quote(realm))\"") }
        if let error { params.append("error=\"\(quote(error))\"") }
        if let description { params.append("error_description=\"\(quote(description))\"") }
        return params.isEmpty ? "Bearer" : "Bearer " + params.joined(separator: ", ")
    }

    /// Escapes for a quoted-string.
    public static func quote(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\":
                out.append("\\")
                out.unicodeScalars.append(scalar)
            case " "..."~":
                out.unicodeScalars.append(scalar)
            default:
                out.append("?")
            }
        }
        return out
    }

    /// Printable ASCII only, at most `limit` characters: for echoing untrusted values in logs.
    static func sanitize(_ text: String, limit: Int) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            if scalar.value >= 0x20 && scalar.value < 0x7F { out.unicodeScalars.append(scalar) } else { out.append("?") }
        }
        return text.unicodeScalars.count > limit ? out + "…" : out
    }
}
