/// Why a signed bundle was refused.
public enum BundleSignatureError: Error, Equatable, CustomStringConvertible {
    case unsigned
    case malformedSignaturesFile(String)
    case malformedJWS(String)
    case unsupportedAlgorithm(String)
    case badSignature
    case keyIDMismatch(String)
    case scopeMismatch(String)
    case unsupportedHashAlgorithm(String)
    case fileMissing(String)
    case fileUnlisted(String)
    case hashMismatch(String)

    public var description: String {
        switch self {
        case .unsigned: return "bundle is not signed (no .signatures.json)"
        case .malformedSignaturesFile(let why): return "malformed .signatures.json: \(why)"
        case .malformedJWS(let why): return "malformed bundle signature: \(why)"
        case .unsupportedAlgorithm(let alg): return "bundle signature algorithm \(alg) is not accepted"
        case .badSignature: return "bundle signature does not verify against the verification key"
        case .keyIDMismatch(let id): return "bundle signed with key id \(id), not the configured one"
        case .scopeMismatch(let s): return "bundle signature scope \(s) does not match the configured scope"
        case .unsupportedHashAlgorithm(let a): return "bundle file hash algorithm \(a) is not SHA-256"
        case .fileMissing(let n): return "signed file \(n) is missing from the bundle"
        case .fileUnlisted(let n): return "bundle file \(n) is not covered by the signature"
        case .hashMismatch(let n): return "bundle file \(n) does not match its signed SHA-256"
        }
    }
}
