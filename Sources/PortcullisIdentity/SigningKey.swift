import COpenSSL

/// A private signing key held in libcrypto, for issuing tokens in tests, benchmarks and tooling.
/// Portcullis itself only verifies.
public final class SigningKey: @unchecked Sendable {
    let pkey: OpaquePointer
    /// The matching public key.
    public let publicKey: PublicKey

    init(owning pkey: OpaquePointer) throws(OpenSSLError) {
        self.pkey = pkey
        guard let pem = readCText({ pc_pkey_public_pem(pkey, $0, $1) }) else {
            let error = OpenSSLError.drain("export public key")
            pc_pkey_free(pkey)
            throw error
        }
        do {
            publicKey = try PublicKey(pem: pem)
        } catch {
            pc_pkey_free(pkey)
            throw error
        }
    }

    deinit { pc_pkey_free(pkey) }

    /// A fresh RSA key.
    public static func generateRSA(bits: Int = 2048) throws(OpenSSLError) -> SigningKey {
        pc_err_clear()
        guard let pkey = pc_keygen_rsa(bits) else { throw OpenSSLError.drain("generate RSA key") }
        return try SigningKey(owning: pkey)
    }

    /// A fresh EC key on `curve`.
    public static func generateEC(_ curve: ECCurve) throws(OpenSSLError) -> SigningKey {
        pc_err_clear()
        guard let pkey = pc_keygen_ec(curve.groupName) else { throw OpenSSLError.drain("generate EC key") }
        return try SigningKey(owning: pkey)
    }

    /// A fresh Ed25519 key.
    public static func generateEd25519() throws(OpenSSLError) -> SigningKey {
        pc_err_clear()
        guard let pkey = pc_keygen_ed25519() else { throw OpenSSLError.drain("generate Ed25519 key") }
        return try SigningKey(owning: pkey)
    }

    /// A private key from unencrypted PEM (PKCS#8 or traditional).
    public convenience init(pem: String) throws(OpenSSLError) {
        pc_err_clear()
        let bytes = Array(pem.utf8)
        let pkey = bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { pc_private_key_from_pem($0.baseAddress, $0.count) }
        }
        guard let pkey else { throw OpenSSLError.drain("read PEM private key") }
        try self.init(owning: pkey)
    }

    /// Signs `message` with `algorithm` (which the key must allow), producing a JWS signature
    /// (ECDSA in the JOSE r||s form).
    public func sign(_ message: [UInt8], algorithm: JWTAlgorithm) throws(OpenSSLError) -> [UInt8] {
        guard publicKey.allows(algorithm) else {
            throw OpenSSLError(operation: "sign", message: "\(publicKey) cannot sign \(algorithm.rawValue)")
        }
        pc_err_clear()
        let clen = algorithm.curve?.coordinateSize ?? 0
        let capacity = Int(pc_sign(pkey, 0, 0, 0, nil, 0, nil, 0))
        var out = [UInt8](repeating: 0, count: max(capacity, 2 * clen))
        let n = message.withUnsafeBufferPointer { m in
            out.withUnsafeMutableBufferPointer { o in
                pc_sign(pkey, algorithm.digestBits, algorithm.isPSS ? 1 : 0, clen, m.baseAddress, m.count, o.baseAddress, o.count)
            }
        }
        guard n > 0 else { throw OpenSSLError.drain("sign \(algorithm.rawValue)") }
        return Array(out.prefix(Int(n)))
    }
}

/// HMAC-SHA-2 over libcrypto.
public enum HMAC {
    /// The MAC of `message` under `key` for HS256/384/512; nil for any other algorithm.
    public static func mac(_ message: [UInt8], key: [UInt8], algorithm: JWTAlgorithm) -> [UInt8]? {
        guard algorithm.isSymmetric else { return nil }
        var out = [UInt8](repeating: 0, count: 64)
        let n = message.withUnsafeBufferPointer { m in
            key.withUnsafeBufferPointer { k in
                out.withUnsafeMutableBufferPointer { o in
                    pc_hmac(algorithm.digestBits, k.baseAddress, k.count, m.baseAddress, m.count, o.baseAddress, o.count)
                }
            }
        }
        guard n > 0 else {
            pc_err_clear()
            return nil
        }
        return Array(out.prefix(Int(n)))
    }
}
