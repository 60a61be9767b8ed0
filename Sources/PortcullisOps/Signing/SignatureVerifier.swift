/// Verifies one JWS signature (RFC 7515) over its signing input.
///
/// The bundle signature check depends only on this protocol, so another module's JWS
/// verifier (e.g. PortcullisIdentity's) can be adapted to it.
public protocol SignatureVerifier: Sendable {
    /// True when `signature` is a valid `algorithm` signature (JWS `alg`, e.g. "RS256")
    /// of `signingInput` (the ASCII `base64url(header).base64url(payload)`) under this key.
    /// Must return false, never crash, for any malformed input or an algorithm the key cannot do.
    func verify(algorithm: String, signingInput: [UInt8], signature: [UInt8]) -> Bool
}
