import COpenSSL

/// A ``SignatureVerifier`` over a public key in PEM (`-----BEGIN PUBLIC KEY-----`), via libcrypto.
///
/// RSA keys verify RS256/RS384/RS512 and PS256/PS384/PS512, P-256/P-384/P-521 keys verify
/// ES256/ES384/ES512 (JWS raw `r||s` signatures), Ed25519 keys verify EdDSA.
public final class PEMSignatureVerifier: SignatureVerifier, @unchecked Sendable {
    // EVP_PKEY*, only read after init (EVP_DigestVerify on a shared key is thread-safe).
    private let key: OpaquePointer
    /// "RSA", "EC" or "Ed25519".
    public let keyType: String
    private let ecBits: Int32

    public enum KeyError: Error, CustomStringConvertible {
        case unreadable
        case unsupportedKeyType(Int32)

        public var description: String {
            switch self {
            case .unreadable: return "verification key: not a PEM public key (expected -----BEGIN PUBLIC KEY-----)"
            case .unsupportedKeyType(let id): return "verification key: unsupported key type \(id) (use RSA, EC P-256/384/521 or Ed25519)"
            }
        }
    }

    /// Reads a PEM public key. Throws ``KeyError`` when it is not one or of an unsupported type.
    public init(pem: String) throws {
        let bytes = Array(pem.utf8)
        let pkey: OpaquePointer? = bytes.withUnsafeBufferPointer { buf in
            guard let bio = BIO_new_mem_buf(buf.baseAddress, Int32(buf.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        ERR_clear_error()
        guard let pkey else { throw KeyError.unreadable }
        let id = EVP_PKEY_get_base_id(pkey)
        switch id {
        case EVP_PKEY_RSA: keyType = "RSA"
        case EVP_PKEY_EC: keyType = "EC"
        case EVP_PKEY_ED25519: keyType = "Ed25519"
        default:
            EVP_PKEY_free(pkey)
            throw KeyError.unsupportedKeyType(id)
        }
        key = pkey
        ecBits = EVP_PKEY_get_bits(pkey)
    }

    deinit { EVP_PKEY_free(key) }

    public func verify(algorithm: String, signingInput: [UInt8], signature: [UInt8]) -> Bool {
        defer { ERR_clear_error() }
        switch (keyType, algorithm) {
        case ("RSA", "RS256"): return digestVerify(EVP_sha256(), signingInput, signature, pss: false)
        case ("RSA", "RS384"): return digestVerify(EVP_sha384(), signingInput, signature, pss: false)
        case ("RSA", "RS512"): return digestVerify(EVP_sha512(), signingInput, signature, pss: false)
        case ("RSA", "PS256"): return digestVerify(EVP_sha256(), signingInput, signature, pss: true)
        case ("RSA", "PS384"): return digestVerify(EVP_sha384(), signingInput, signature, pss: true)
        case ("RSA", "PS512"): return digestVerify(EVP_sha512(), signingInput, signature, pss: true)
        case ("EC", "ES256") where ecBits == 256:
            return ecdsaVerify(EVP_sha256(), 32, signingInput, signature)
        case ("EC", "ES384") where ecBits == 384:
            return ecdsaVerify(EVP_sha384(), 48, signingInput, signature)
        case ("EC", "ES512") where ecBits == 521:
            return ecdsaVerify(EVP_sha512(), 66, signingInput, signature)
        case ("Ed25519", "EdDSA"), ("Ed25519", "Ed25519"):
            return digestVerify(nil, signingInput, signature, pss: false)
        default:
            return false
        }
    }

    private func digestVerify(_ md: OpaquePointer?, _ data: [UInt8], _ sig: [UInt8], pss: Bool) -> Bool {
        guard !sig.isEmpty, let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        var pctx: OpaquePointer?
        guard EVP_DigestVerifyInit(ctx, &pctx, md, nil, key) == 1 else { return false }
        if pss {
            guard let pctx,
                  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1,
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1
            else { return false }
        }
        let rc = sig.withUnsafeBufferPointer { s in
            data.withUnsafeBufferPointer { d in
                EVP_DigestVerify(ctx, s.baseAddress, s.count, d.baseAddress, d.count)
            }
        }
        return rc == 1
    }

    /// JWS ECDSA signatures are raw `r||s`; libcrypto wants DER.
    private func ecdsaVerify(_ md: OpaquePointer?, _ half: Int, _ data: [UInt8], _ sig: [UInt8]) -> Bool {
        guard sig.count == 2 * half, let der = Self.derECDSA(r: Array(sig[..<half]), s: Array(sig[half...])) else {
            return false
        }
        return digestVerify(md, data, der, pss: false)
    }

    static func derECDSA(r: [UInt8], s: [UInt8]) -> [UInt8]? {
        guard let ecSig = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(ecSig) }
        let rBN = r.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        let sBN = s.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        guard let rBN, let sBN else {
            BN_free(rBN)
            BN_free(sBN)
            return nil
        }
        guard ECDSA_SIG_set0(ecSig, rBN, sBN) == 1 else {
            BN_free(rBN)
            BN_free(sBN)
            return nil
        }
        let len = i2d_ECDSA_SIG(ecSig, nil)
        guard len > 0 else { return nil }
        var out = [UInt8](repeating: 0, count: Int(len))
        let written = out.withUnsafeMutableBufferPointer { buf -> Int32 in
            var p = buf.baseAddress
            return i2d_ECDSA_SIG(ecSig, &p)
        }
        return written == len ? out : nil
    }
}
