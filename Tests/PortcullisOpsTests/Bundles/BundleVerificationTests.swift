import Foundation
import Testing
@testable import PortcullisOps

@Suite struct BundleVerificationTests {
    func signedBundle(_ kind: BundleSigner.KeyKind, extra: String = "{}") throws -> (Scratch, String, PEMSignatureVerifier) {
        let scratch = try Scratch()
        let dir = try scratch.sub("bundle")
        try TestBundle.write(dir, text: "allow all", revision: "v1")
        let pem = try BundleSigner.sign(dir, kind: kind, keyDir: try scratch.sub("keys"), extra: extra)
        return (scratch, dir, try PEMSignatureVerifier(pem: pem))
    }

    func check(_ dir: String, _ v: some SignatureVerifier, keyID: String? = nil, scope: String? = nil) throws {
        let content = try BundleContent.read(directory: dir)
        try BundleVerification(verifier: v, keyID: keyID, scope: scope).verify(directory: dir, content: content)
    }

    @Test(arguments: [BundleSigner.KeyKind.rsa, .ec, .ed25519])
    func acceptsAValidSignature(_ kind: BundleSigner.KeyKind) throws {
        let (scratch, dir, v) = try signedBundle(kind)
        _ = scratch
        try check(dir, v)
    }

    @Test(arguments: [BundleSigner.KeyKind.rsa, .ec, .ed25519])
    func refusesATamperedFile(_ kind: BundleSigner.KeyKind) throws {
        let (scratch, dir, v) = try signedBundle(kind)
        _ = scratch
        try Scratch.write("allow everything", to: dir + "/policy.txt")
        #expect(throws: BundleSignatureError.hashMismatch("policy.txt")) { try check(dir, v) }
    }

    @Test func refusesAnAddedOrMissingFile() throws {
        let (scratch, dir, v) = try signedBundle(.ec)
        _ = scratch
        try Scratch.write("sneaky", to: dir + "/extra/added.txt")
        #expect(throws: BundleSignatureError.fileUnlisted("extra/added.txt")) { try check(dir, v) }
        try FileManager.default.removeItem(atPath: dir + "/extra")
        try FileManager.default.removeItem(atPath: dir + "/data/extra.json")
        #expect(throws: BundleSignatureError.fileMissing("data/extra.json")) { try check(dir, v) }
    }

    @Test func refusesAnUnsignedBundle() throws {
        let (scratch, dir, v) = try signedBundle(.rsa)
        _ = scratch
        try FileManager.default.removeItem(atPath: dir + "/.signatures.json")
        #expect(throws: BundleSignatureError.unsigned) { try check(dir, v) }
    }

    @Test func refusesAnotherKeysSignature() throws {
        let (scratch, dir, _) = try signedBundle(.rsa)
        _ = scratch
        let other = try Scratch()
        let otherDir = try other.sub("b")
        try TestBundle.write(otherDir, text: "x")
        let otherPEM = try BundleSigner.sign(otherDir, kind: .rsa, keyDir: try other.sub("keys"))
        #expect(throws: BundleSignatureError.badSignature) { try check(dir, try PEMSignatureVerifier(pem: otherPEM)) }
    }

    @Test func refusesAlgorithmConfusion() throws {
        // An EC key cannot verify an RS256 claim, and "none" is never accepted.
        let (scratch, dir, v) = try signedBundle(.ec, extra: #"{"alg": "RS256"}"#)
        _ = scratch
        #expect(throws: BundleSignatureError.badSignature) { try check(dir, v) }
        let (scratch2, dir2, v2) = try signedBundle(.ec, extra: #"{"alg": "none"}"#)
        _ = scratch2
        #expect(throws: BundleSignatureError.unsupportedAlgorithm("none")) { try check(dir2, v2) }
    }

    @Test func checksKeyIDAndScope() throws {
        let (scratch, dir, v) = try signedBundle(.ed25519, extra: #"{"payload": {"keyid": "prod", "scope": "write"}}"#)
        _ = scratch
        try check(dir, v, keyID: "prod", scope: "write")
        #expect(throws: BundleSignatureError.keyIDMismatch("prod")) { try check(dir, v, keyID: "staging") }
        #expect(throws: BundleSignatureError.scopeMismatch("write")) { try check(dir, v, scope: "read") }
    }

    @Test func refusesGarbageSignatureFiles() throws {
        let (scratch, dir, v) = try signedBundle(.rsa)
        _ = scratch
        for junk in ["", "[]", #"{"signatures": []}"#, #"{"signatures": ["a.b"]}"#, #"{"signatures": ["!!.??.**"]}"#, #"{"signatures": [7]}"#] {
            try Scratch.write(junk, to: dir + "/.signatures.json")
            #expect(throws: BundleSignatureError.self) { try check(dir, v) }
        }
    }

    @Test func rejectsANonKey() {
        #expect(throws: PEMSignatureVerifier.KeyError.self) { try PEMSignatureVerifier(pem: "not a key") }
    }

    @Test func revisionComesFromTheManifestElseTheDigest() throws {
        let scratch = try Scratch()
        let a = try scratch.sub("a")
        try TestBundle.write(a, text: "one", revision: "2026-11-22.1")
        #expect(try BundleContent.read(directory: a).revision == "2026-11-22.1")
        let b = try scratch.sub("b")
        try TestBundle.write(b, text: "one")
        let cb = try BundleContent.read(directory: b)
        #expect(cb.revision.hasPrefix("sha256:"))
        #expect(cb.revision.count == 7 + 16)
        try Scratch.write("two", to: b + "/policy.txt")
        #expect(try BundleContent.read(directory: b).digest != cb.digest)
    }
}
