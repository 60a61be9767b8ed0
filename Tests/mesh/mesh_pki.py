"""A throwaway mesh CA and SPIFFE workload certificates, made with the openssl command line."""
import subprocess
from dataclasses import dataclass
from pathlib import Path

TRUST_DOMAIN = "cluster.local"


def spiffe(ns, sa):
    return f"spiffe://{TRUST_DOMAIN}/ns/{ns}/sa/{sa}"


@dataclass(frozen=True)
class Cert:
    cert: Path
    key: Path


def _openssl(*args, cwd):
    out = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed:\n{out.stderr}")


class MeshCA:
    """A root CA like istiod's, issuing EC P-256 leaf certificates valid for a day."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.cert = self.dir / "ca.crt"
        self.key = self.dir / "ca.key"
        _openssl("req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                 "-keyout", str(self.key), "-out", str(self.cert), "-days", "1",
                 "-subj", f"/O={TRUST_DOMAIN}/CN=Portcullis test mesh CA",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=self.dir)

    def issue(self, name, san, server=True, client=True) -> Cert:
        """A leaf for `san`, e.g. `URI:spiffe://cluster.local/ns/shop/sa/web` or `DNS:shop.example.com`."""
        key, csr, crt, ext = (self.dir / f"{name}.{s}" for s in ("key", "csr", "crt", "ext"))
        usages = [u for u, on in (("serverAuth", server), ("clientAuth", client)) if on]
        ext.write_text(
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
            f"extendedKeyUsage={','.join(usages)}\n"
            f"subjectAltName={san}\n")
        _openssl("req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                 "-keyout", str(key), "-out", str(csr), "-subj", f"/O={TRUST_DOMAIN}", cwd=self.dir)
        _openssl("x509", "-req", "-in", str(csr), "-CA", str(self.cert), "-CAkey", str(self.key),
                 "-CAcreateserial", "-days", "1", "-out", str(crt), "-extfile", str(ext), cwd=self.dir)
        return Cert(crt, key)

    def workload(self, ns, sa) -> Cert:
        return self.issue(f"{ns}-{sa}", f"URI:{spiffe(ns, sa)}")
