/// The JWS algorithms Portcullis verifies (RFC 7518, RFC 8037). `none` is not among them:
/// an unsecured token is always refused.
public enum JWTAlgorithm: String, Sendable, Hashable, CaseIterable {
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"
    case edDSA = "EdDSA"
    case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512"

    /// SHA-2 digest size in bits (0 for EdDSA, which hashes internally).
    var digestBits: Int32 {
        switch self {
        case .rs256, .ps256, .es256, .hs256: return 256
        case .rs384, .ps384, .es384, .hs384: return 384
        case .rs512, .ps512, .es512, .hs512: return 512
        case .edDSA: return 0
        }
    }

    /// True for the HMAC algorithms, which need the configured shared secret.
    public var isSymmetric: Bool {
        self == .hs256 || self == .hs384 || self == .hs512
    }

    var isPSS: Bool { self == .ps256 || self == .ps384 || self == .ps512 }
    var isRSA: Bool { self == .rs256 || self == .rs384 || self == .rs512 || isPSS }

    /// The curve an ECDSA algorithm requires.
    var curve: ECCurve? {
        switch self {
        case .es256: return .p256
        case .es384: return .p384
        case .es512: return .p521
        default: return nil
        }
    }
}

/// The elliptic curves of JOSE ECDSA keys.
public enum ECCurve: String, Sendable, Hashable, CaseIterable {
    case p256 = "P-256", p384 = "P-384", p521 = "P-521"

    /// OpenSSL's group name.
    var groupName: String {
        switch self {
        case .p256: return "prime256v1"
        case .p384: return "secp384r1"
        case .p521: return "secp521r1"
        }
    }

    /// Bytes per coordinate (and per half of a JOSE signature).
    var coordinateSize: Int {
        switch self {
        case .p256: return 32
        case .p384: return 48
        case .p521: return 66
        }
    }

    init?(groupName: String) {
        switch groupName {
        case "prime256v1", "P-256", "secp256r1": self = .p256
        case "secp384r1", "P-384": self = .p384
        case "secp521r1", "P-521": self = .p521
        default: return nil
        }
    }
}
