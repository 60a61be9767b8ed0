import Foundation

/// Signs bundle directories the way OPA's tooling does, with Python's `cryptography` in a subprocess.
enum BundleSigner {
    enum KeyKind: String { case rsa, ec, ed25519 }

    static let script = #"""
import sys, os, json, hashlib, base64
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa, ec, ed25519, padding, utils

kind, keydir, bundle = sys.argv[1], sys.argv[2], sys.argv[3]
extra = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
priv_path = os.path.join(keydir, kind + ".priv.pem")
if os.path.exists(priv_path):
    key = serialization.load_pem_private_key(open(priv_path, "rb").read(), None)
else:
    if kind == "rsa": key = rsa.generate_private_key(65537, 2048)
    elif kind == "ec": key = ec.generate_private_key(ec.SECP256R1())
    else: key = ed25519.Ed25519PrivateKey.generate()
    open(priv_path, "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    open(os.path.join(keydir, kind + ".pub.pem"), "wb").write(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
files = []
for root, dirs, names in os.walk(bundle):
    for n in names:
        p = os.path.join(root, n)
        rel = os.path.relpath(p, bundle)
        if rel == ".signatures.json": continue
        files.append({"name": rel, "hash": hashlib.sha256(open(p, "rb").read()).hexdigest(), "algorithm": "SHA-256"})
files.sort(key=lambda f: f["name"])
payload = {"files": files}
payload.update(extra.get("payload", {}))
alg = {"rsa": "RS256", "ec": "ES256", "ed25519": "EdDSA"}[kind]
header = {"alg": extra.get("alg", alg)}
header.update(extra.get("header", {}))
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
signing_input = (b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())).encode()
if kind == "rsa": sig = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
elif kind == "ec":
    r, s = utils.decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
else: sig = key.sign(signing_input)
open(os.path.join(bundle, ".signatures.json"), "w").write(json.dumps({"signatures": [signing_input.decode() + "." + b64(sig)]}))
"""#

    /// Signs `bundle` in place with a key of `kind` kept in `keyDir` (made on first use); returns the public key PEM.
    @discardableResult
    static func sign(_ bundle: String, kind: KeyKind, keyDir: String, extra: String = "{}") throws -> String {
        try runTool("python3", ["-c", script, kind.rawValue, keyDir, bundle, extra])
        return try String(contentsOfFile: keyDir + "/\(kind.rawValue).pub.pem", encoding: .utf8)
    }
}
