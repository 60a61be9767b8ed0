import Foundation

/// Checks an unpacked bundle against its `.signatures.json`, in OPA's layout:
///
/// ```json
/// {"signatures": ["<compact JWS>"]}
/// ```
/// where each JWS payload is `{"files": [{"name": "policy.yaml", "hash": "<sha256 hex>", "algorithm": "SHA-256"}, ...],
/// "keyid": "...", "scope": "..."}`. Every file of the bundle except `.signatures.json` must be listed with its
/// SHA-256 (of the raw bytes), and every listed file must exist. Every signature in the file must verify.
public struct BundleVerification: Sendable {
    public static let signaturesFile = ".signatures.json"

    public var verifier: any SignatureVerifier
    /// When set, a `keyid` in the payload or `kid` in the JWS header must equal it.
    public var keyID: String?
    /// When set, the payload's `scope` must equal it.
    public var scope: String?

    public init(verifier: any SignatureVerifier, keyID: String? = nil, scope: String? = nil) {
        self.verifier = verifier
        self.keyID = keyID
        self.scope = scope
    }

    /// Verifies the bundle in `directory` whose file hashes are `content`. Throws ``BundleSignatureError``.
    public func verify(directory: String, content: BundleContent) throws(BundleSignatureError) {
        guard content.fileHashes[Self.signaturesFile] != nil,
              let data = FileManager.default.contents(atPath: directory + "/" + Self.signaturesFile)
        else { throw .unsigned }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .malformedSignaturesFile("not a JSON object")
        }
        guard let sigs = root["signatures"] as? [Any], !sigs.isEmpty else {
            throw .malformedSignaturesFile("no \"signatures\" array")
        }
        for item in sigs {
            guard let jws = item as? String else { throw .malformedSignaturesFile("a signature is not a string") }
            try verifyOne(jws, content: content)
        }
    }

    private func verifyOne(_ jws: String, content: BundleContent) throws(BundleSignatureError) {
        let parts = jws.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedJWS("not a compact JWS") }
        guard let headerBytes = Base64URL.decode(parts[0]),
              let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any]
        else { throw .malformedJWS("header is not base64url JSON") }
        guard let alg = header["alg"] as? String else { throw .malformedJWS("no alg") }
        guard alg != "none", !alg.hasPrefix("HS") else { throw .unsupportedAlgorithm(alg) }
        guard header["crit"] == nil else { throw .malformedJWS("crit header not supported") }
        guard let signature = Base64URL.decode(parts[2]) else { throw .malformedJWS("signature is not base64url") }
        let signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        guard verifier.verify(algorithm: alg, signingInput: signingInput, signature: signature) else {
            throw .badSignature
        }
        // Only a verified payload is read.
        guard let payloadBytes = Base64URL.decode(parts[1]),
              let payload = try? JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any]
        else { throw .malformedJWS("payload is not base64url JSON") }
        if let keyID {
            if let kid = header["kid"] as? String, kid != keyID { throw .keyIDMismatch(kid) }
            if let kid = payload["keyid"] as? String, kid != keyID { throw .keyIDMismatch(kid) }
        }
        if let scope {
            let got = payload["scope"] as? String ?? ""
            guard got == scope else { throw .scopeMismatch(got) }
        }
        guard let files = payload["files"] as? [Any] else { throw .malformedJWS("payload has no files array") }
        var signed: [String: String] = [:]
        for entry in files {
            guard let f = entry as? [String: Any], let rawName = f["name"] as? String, let hash = f["hash"] as? String else {
                throw .malformedJWS("a files entry lacks name or hash")
            }
            let algorithm = (f["algorithm"] as? String) ?? "SHA-256"
            guard algorithm.uppercased() == "SHA-256" || algorithm.uppercased() == "SHA256" else {
                throw .unsupportedHashAlgorithm(algorithm)
            }
            let name = Self.normalize(rawName)
            guard signed[name] == nil else { throw .malformedJWS("file \(name) listed twice") }
            signed[name] = hash.lowercased()
        }
        for (name, hash) in signed.sorted(by: { $0.key < $1.key }) {
            guard let actual = content.fileHashes[name] else { throw .fileMissing(name) }
            guard actual == hash else { throw .hashMismatch(name) }
        }
        for name in content.fileHashes.keys.sorted() where name != Self.signaturesFile && signed[name] == nil {
            throw .fileUnlisted(name)
        }
    }

    static func normalize(_ name: String) -> String {
        var n = Substring(name)
        while n.hasPrefix("./") { n = n.dropFirst(2) }
        while n.hasPrefix("/") { n = n.dropFirst() }
        return String(n)
    }
}
