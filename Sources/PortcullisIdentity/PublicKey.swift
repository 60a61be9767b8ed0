import COpenSSL

/// A public verification key held in libcrypto (an `EVP_PKEY`), freed when the last reference goes.
///
/// Sendable: an `EVP_PKEY` is immutable after construction and OpenSSL 3 allows concurrent
/// verification with one key.
public final class PublicKey: @unchecked Sendable, CustomStringConvertible {
    /// What kind of key this is; decides which algorithms it may verify.
    public enum Kind: Sendable, Hashable {
        case rsa(bits: Int)
        /// An RSA key restricted to RSASSA-PSS (`id-RSASSA-PSS` in its SubjectPublicKeyInfo).
        case rsaPSS(bits: Int)
        case ec(ECCurve)
        case ed25519
    }

    /// Smallest RSA modulus accepted.
    public static let minimumRSABits = 2048

    let pkey: OpaquePointer
    public let kind: Kind

    /// Takes ownership of `pkey`; frees it and throws when its type is not supported.
    init(owning pkey: OpaquePointer) throws(OpenSSLError) {
        do {
            kind = try Self.classify(pkey)
        } catch {
            pc_pkey_free(pkey)
            throw error
        }
        // Assigned last: a throwing initialiser that had initialised every property would run deinit.
        self.pkey = pkey
    }

    static func classify(_ pkey: OpaquePointer) throws(OpenSSLError) -> Kind {
        let kind: Kind
        switch pc_pkey_kind(pkey) {
        case 1: kind = .rsa(bits: Int(pc_pkey_bits(pkey)))
        case 2: kind = .rsaPSS(bits: Int(pc_pkey_bits(pkey)))
        case 3:
            var name = [CChar](repeating: 0, count: 64)
            let ok = name.withUnsafeMutableBufferPointer { pc_pkey_group(pkey, $0.baseAddress, $0.count) } == 1
            let group = ok ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
            guard let curve = ECCurve(groupName: group) else {
                throw OpenSSLError(operation: "load EC key", message: "unsupported curve \(group.isEmpty ? "(unknown)" : group)")
            }
            kind = .ec(curve)
        case 4: kind = .ed25519
        default:
            throw OpenSSLError(operation: "load key", message: "unsupported key type")
        }
        switch kind {
        case .rsa(let bits), .rsaPSS(let bits):
            if bits < minimumRSABits {
                throw OpenSSLError(operation: "load RSA key", message: "\(bits)-bit modulus is below \(minimumRSABits) bits")
            }
        default: break
        }
        return kind
    }

    deinit { pc_pkey_free(pkey) }

    /// A key from PEM: a `PUBLIC KEY` (SubjectPublicKeyInfo), or the key of a `CERTIFICATE`.
    public convenience init(pem: String) throws(OpenSSLError) {
        pc_err_clear()
        let bytes = Array(pem.utf8)
        let pkey = bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { pc_pkey_from_pem($0.baseAddress, $0.count) }
        }
        guard let pkey else { throw OpenSSLError.drain("read PEM public key") }
        try self.init(owning: pkey)
    }

    /// An RSA key from its big-endian modulus and public exponent (JWK `n`, `e`).
    public convenience init(rsaModulus n: [UInt8], exponent e: [UInt8]) throws(OpenSSLError) {
        pc_err_clear()
        guard !n.isEmpty, !e.isEmpty else { throw OpenSSLError(operation: "load RSA key", message: "empty modulus or exponent") }
        let pkey = n.withUnsafeBufferPointer { pn in
            e.withUnsafeBufferPointer { pe in pc_pkey_rsa(pn.baseAddress, pn.count, pe.baseAddress, pe.count) }
        }
        guard let pkey else { throw OpenSSLError.drain("load RSA key") }
        try self.init(owning: pkey)
    }

    /// An EC key on `curve` from its affine coordinates (JWK `x`, `y`), each exactly the curve's size.
    /// libcrypto checks that the point is on the curve.
    public convenience init(curve: ECCurve, x: [UInt8], y: [UInt8]) throws(OpenSSLError) {
        pc_err_clear()
        let size = curve.coordinateSize
        guard x.count == size, y.count == size else {
            throw OpenSSLError(operation: "load EC key", message: "\(curve.rawValue) coordinates must be \(size) bytes")
        }
        let pkey = x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in pc_pkey_ec(curve.groupName, px.baseAddress, py.baseAddress, size) }
        }
        guard let pkey else { throw OpenSSLError.drain("load EC key") }
        try self.init(owning: pkey)
    }

    /// An Ed25519 key from its 32 raw bytes (JWK `x`).
    public convenience init(ed25519 x: [UInt8]) throws(OpenSSLError) {
        pc_err_clear()
        guard x.count == 32 else { throw OpenSSLError(operation: "load Ed25519 key", message: "key must be 32 bytes") }
        let pkey = x.withUnsafeBufferPointer { pc_pkey_ed25519($0.baseAddress, $0.count) }
        guard let pkey else { throw OpenSSLError.drain("load Ed25519 key") }
        try self.init(owning: pkey)
    }

    /// Whether this key may verify `algorithm`: RSA keys RS*/PS*, PSS-only keys PS*, EC keys only
    /// the ES algorithm of their curve, Ed25519 keys EdDSA. Never an HMAC algorithm: using a public
    /// key as an HMAC secret is the classic algorithm-confusion attack.
    public func allows(_ algorithm: JWTAlgorithm) -> Bool {
        switch kind {
        case .rsa: return algorithm.isRSA
        case .rsaPSS: return algorithm.isPSS
        case .ec(let curve): return algorithm.curve == curve
        case .ed25519: return algorithm == .edDSA
        }
    }

    /// Verifies `signature` over `message`. Returns false for a wrong or malformed signature;
    /// throws only when libcrypto itself fails.
    func verify(_ signature: [UInt8], over message: [UInt8], algorithm: JWTAlgorithm) throws(OpenSSLError) -> Bool {
        pc_err_clear()
        let rc: Int32 = message.withUnsafeBufferPointer { m in
            signature.withUnsafeBufferPointer { s in
                if let curve = algorithm.curve {
                    guard s.count == 2 * curve.coordinateSize else { return 0 }
                    return pc_verify_ecdsa_jose(pkey, algorithm.digestBits, m.baseAddress, m.count, s.baseAddress, s.count)
                }
                return pc_verify(pkey, algorithm.digestBits, algorithm.isPSS ? 1 : 0, m.baseAddress, m.count, s.baseAddress, s.count)
            }
        }
        if rc < 0 { throw OpenSSLError.drain("verify \(algorithm.rawValue) signature") }
        return rc == 1
    }

    /// The SubjectPublicKeyInfo PEM of this key.
    public func pem() throws(OpenSSLError) -> String {
        guard let text = readCText({ pc_pkey_public_pem(pkey, $0, $1) }) else { throw OpenSSLError.drain("write PEM") }
        return text
    }

    /// The key as a public JWK (`kty` and key members; `kid`/`alg`/`use` added when given).
    public func jwk(kid: String? = nil, algorithm: JWTAlgorithm? = nil, use: String? = "sig") throws(OpenSSLError) -> [String: String] {
        var out: [String: String] = [:]
        switch kind {
        case .rsa, .rsaPSS:
            out["kty"] = "RSA"
            out["n"] = Base64URL.encode(try bnParam("n"))
            out["e"] = Base64URL.encode(try bnParam("e"))
        case .ec(let curve):
            let point = try publicBytes()
            let size = curve.coordinateSize
            guard point.count == 1 + 2 * size, point.first == 0x04 else {
                throw OpenSSLError(operation: "export EC key", message: "unexpected point encoding")
            }
            out["kty"] = "EC"
            out["crv"] = curve.rawValue
            out["x"] = Base64URL.encode(Array(point[1...size]))
            out["y"] = Base64URL.encode(Array(point[(1 + size)...]))
        case .ed25519:
            out["kty"] = "OKP"
            out["crv"] = "Ed25519"
            out["x"] = Base64URL.encode(try publicBytes())
        }
        if let kid { out["kid"] = kid }
        if let algorithm { out["alg"] = algorithm.rawValue }
        if let use { out["use"] = use }
        return out
    }

    func bnParam(_ name: String) throws(OpenSSLError) -> [UInt8] {
        let size = pc_pkey_bn_param(pkey, name, nil, 0)
        guard size > 0 else { throw OpenSSLError.drain("export key parameter \(name)") }
        var out = [UInt8](repeating: 0, count: Int(size))
        let n = out.withUnsafeMutableBufferPointer { pc_pkey_bn_param(pkey, name, $0.baseAddress, $0.count) }
        guard n == size else { throw OpenSSLError.drain("export key parameter \(name)") }
        return out
    }

    func publicBytes() throws(OpenSSLError) -> [UInt8] {
        let size = pc_pkey_public_bytes(pkey, nil, 0)
        guard size > 0 else { throw OpenSSLError.drain("export public key") }
        var out = [UInt8](repeating: 0, count: Int(size))
        let n = out.withUnsafeMutableBufferPointer { pc_pkey_public_bytes(pkey, $0.baseAddress, $0.count) }
        guard n > 0 else { throw OpenSSLError.drain("export public key") }
        return Array(out.prefix(Int(n)))
    }

    public var description: String {
        switch kind {
        case .rsa(let bits): return "RSA-\(bits) public key"
        case .rsaPSS(let bits): return "RSA-PSS-\(bits) public key"
        case .ec(let curve): return "EC \(curve.rawValue) public key"
        case .ed25519: return "Ed25519 public key"
        }
    }
}
