import JSONSchema
import PortcullisModel

/// One public key of a JWKS, with its selection parameters.
public struct JWK: Sendable {
    /// `kid`.
    public let keyID: String?
    /// `alg`, when the key is pinned to one algorithm.
    public let algorithm: JWTAlgorithm?
    /// `use` (only `sig` keys are kept in a `JWKSet`).
    public let use: String?
    public let key: PublicKey

    public init(key: PublicKey, keyID: String? = nil, algorithm: JWTAlgorithm? = nil, use: String? = nil) {
        self.key = key
        self.keyID = keyID
        self.algorithm = algorithm
        self.use = use
    }

    /// Whether this key may verify a token signed with `alg`: the key type must allow it
    /// (`PublicKey.allows`) and, when the JWK names an `alg`, it must be that one.
    public func allows(_ alg: JWTAlgorithm) -> Bool {
        if let algorithm, algorithm != alg { return false }
        return key.allows(alg)
    }

    /// Why a JWK member set was refused.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Builds a key from one JWK object: RSA (`n`, `e`), EC (`crv` P-256/P-384/P-521, `x`, `y`) or
    /// OKP (`crv` Ed25519, `x`). Refuses private keys (`d`), symmetric keys (`oct`), keys whose
    /// `use` is not `sig` or whose `key_ops` lack `verify`, and an `alg` the key type cannot verify.
    public init(json: JSONValue) throws(Invalid) {
        guard case .object(let o) = json else { throw Invalid(message: "a JWK must be an object") }
        func string(_ name: String) throws(Invalid) -> String? {
            guard let v = o[name] else { return nil }
            guard let s = v.stringValue else { throw Invalid(message: "\(name) must be a string") }
            return s
        }
        func bytes(_ name: String) throws(Invalid) -> [UInt8] {
            guard let s = try string(name) else { throw Invalid(message: "missing \(name)") }
            guard let b = Base64URL.decode(s) else { throw Invalid(message: "\(name) is not base64url") }
            return b
        }
        let kid = try string("kid")
        let label = kid.map { "key \"\(BearerChallenge.sanitize($0, limit: 64))\"" } ?? "key without kid"
        guard let kty = try string("kty") else { throw Invalid(message: "\(label): missing kty") }
        if o["d"] != nil { throw Invalid(message: "\(label): private key material (d) does not belong in a JWKS") }
        let use = try string("use")
        if let use, use != "sig" { throw Invalid(message: "\(label): use \"\(use)\" is not sig") }
        if let ops = o["key_ops"] {
            guard case .array(let list) = ops, list.contains(.string("verify")) else {
                throw Invalid(message: "\(label): key_ops does not include verify")
            }
        }
        var algorithm: JWTAlgorithm?
        if let alg = try string("alg") {
            guard let a = JWTAlgorithm(rawValue: alg), !a.isSymmetric else {
                throw Invalid(message: "\(label): unsupported alg \"\(alg)\"")
            }
            algorithm = a
        }
        let key: PublicKey
        do {
            switch kty {
            case "RSA":
                key = try PublicKey(rsaModulus: try bytes("n"), exponent: try bytes("e"))
            case "EC":
                guard let crvName = try string("crv"), let curve = ECCurve(rawValue: crvName) else {
                    throw Invalid(message: "\(label): unsupported or missing EC crv")
                }
                key = try PublicKey(curve: curve, x: try bytes("x"), y: try bytes("y"))
            case "OKP":
                guard try string("crv") == "Ed25519" else { throw Invalid(message: "\(label): only the Ed25519 OKP curve is supported") }
                key = try PublicKey(ed25519: try bytes("x"))
            case "oct":
                throw Invalid(message: "\(label): symmetric keys are configured as a shared secret, not in a JWKS")
            default:
                throw Invalid(message: "\(label): unsupported kty \"\(BearerChallenge.sanitize(kty, limit: 16))\"")
            }
        } catch let e as Invalid {
            throw e
        } catch let e as OpenSSLError {
            throw Invalid(message: "\(label): \(e)")
        } catch {
            throw Invalid(message: "\(label): \(error)")
        }
        if let algorithm, !key.allows(algorithm) {
            throw Invalid(message: "\(label): alg \(algorithm.rawValue) does not fit a \(key)")
        }
        self.init(key: key, keyID: kid, algorithm: algorithm, use: use)
    }
}

/// A set of verification keys (a JWKS document, RFC 7517 §5), indexed by `kid`.
public struct JWKSet: Sendable {
    public let keys: [JWK]
    /// Keys of the document that were left out, and why (unsupported types, `enc` keys, bad members,
    /// duplicate kids). A key set loaded from a bundle should report these as diagnostics.
    public let skipped: [String]
    let byID: [String: Int]

    public static let empty = JWKSet(keys: [])

    public init(keys: [JWK], skipped: [String] = []) {
        var byID: [String: Int] = [:]
        var kept: [JWK] = []
        var skipped = skipped
        for key in keys {
            if let kid = key.keyID {
                if byID[kid] != nil {
                    skipped.append("duplicate kid \"\(BearerChallenge.sanitize(kid, limit: 64))\"")
                    continue
                }
                byID[kid] = kept.count
            }
            kept.append(key)
        }
        self.keys = kept
        self.skipped = skipped
        self.byID = byID
    }

    /// Why a JWKS document was refused as a whole.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { "invalid JWKS: \(message)" }
    }

    /// Parses a JWKS document (`{"keys": [...]}`). A document that is not JSON, or has no `keys`
    /// array, is an error; individual unusable keys are skipped and listed in `skipped`.
    public init(json bytes: [UInt8], limits: JSONParseLimits = JSONParseLimits(maxBytes: 1 << 20, maxDepth: 16)) throws(Invalid) {
        let document: JSONValue
        do {
            document = try JSONParser(limits: limits).parse(bytes)
        } catch {
            throw Invalid(message: error.description)
        }
        try self.init(document: document)
    }

    public init(json text: String) throws(Invalid) {
        try self.init(json: Array(text.utf8))
    }

    public init(document: JSONValue) throws(Invalid) {
        guard case .array(let entries)? = document["keys"] else { throw Invalid(message: "missing \"keys\" array") }
        var keys: [JWK] = []
        var skipped: [String] = []
        for (i, entry) in entries.enumerated() {
            do {
                keys.append(try JWK(json: entry))
            } catch {
                skipped.append("keys[\(i)]: \(error.message)")
            }
        }
        self.init(keys: keys, skipped: skipped)
    }

    /// The key with this `kid`.
    public func key(id: String) -> JWK? {
        byID[id].map { keys[$0] }
    }

    /// The keys that can verify `alg` (for tokens without a `kid`).
    public func keys(for alg: JWTAlgorithm) -> [JWK] {
        keys.filter { $0.allows(alg) }
    }

    /// A JWKS document for these keys.
    public func document() throws(OpenSSLError) -> JSONValue {
        var out: [JSONValue] = []
        for k in keys {
            let members = try k.key.jwk(kid: k.keyID, algorithm: k.algorithm, use: k.use)
            out.append(.object(members.mapValues { .string($0) }))
        }
        return .object(["keys": .array(out)])
    }
}
