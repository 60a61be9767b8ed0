"""Throwaway CAs and certificates for the TLS tests, made with the openssl command line."""
import os
import subprocess
from pathlib import Path


def _openssl(*args, cwd):
    out = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed:\n{out.stderr}")


def der_of(pem_path):
    """The DER bytes of the first certificate in a PEM file."""
    out = subprocess.run(["openssl", "x509", "-in", str(pem_path), "-outform", "DER"],
                         capture_output=True, timeout=30, check=True)
    return out.stdout


class CA:
    """A self-signed EC P-256 root issuing leaf certificates valid for a day."""

    def __init__(self, directory: Path, name: str):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.cert = self.dir / f"{name}-ca.crt"
        self.key = self.dir / f"{name}-ca.key"
        _openssl("req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                 "-keyout", str(self.key), "-out", str(self.cert), "-days", "1",
                 "-subj", f"/CN=Portcullis test CA {name}",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=self.dir)

    def issue(self, name, san="DNS:localhost,IP:127.0.0.1", usage="serverAuth,clientAuth"):
        """(cert path, key path) of a new leaf with its own key."""
        key, csr, crt, ext = (self.dir / f"{name}.{s}" for s in ("key", "csr", "crt", "ext"))
        ext.write_text("basicConstraints=critical,CA:FALSE\n"
                       "keyUsage=critical,digitalSignature,keyEncipherment\n"
                       f"extendedKeyUsage={usage}\nsubjectAltName={san}\n")
        _openssl("req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                 "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={name}", cwd=self.dir)
        _openssl("x509", "-req", "-in", str(csr), "-CA", str(self.cert), "-CAkey", str(self.key),
                 "-CAcreateserial", "-days", "1", "-out", str(crt), "-extfile", str(ext), cwd=self.dir)
        return crt, key


def replace_atomically(target: Path, source: Path):
    """Copies `source` over `target` the way secret rotation does: write aside, then rename."""
    tmp = target.with_name(target.name + ".new")
    tmp.write_bytes(source.read_bytes())
    os.replace(tmp, target)
