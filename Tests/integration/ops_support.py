"""Helpers for the live-operation tests: bundles on disk and as .tar.gz, an HTTP bundle server on
loopback (ETag, 304, request log, up/down), OPA-layout bundle signing, the admin endpoint and a
Prometheus text parser."""
import base64
import hashlib
import io
import json
import re
import socket
import tarfile
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def policy_text(allow_prefix="/a/", name="live", extra_rule=None):
    """A policy that allows GET/POST under `allow_prefix` and denies the rest (403)."""
    lines = [f"name: {name}", "default: deny", "rules:",
             "  - name: allowed-prefix", "    action: allow", f"    to: [{{paths: [\"{allow_prefix}*\"]}}]"]
    if extra_rule:
        lines += [f"  - name: {extra_rule}", "    action: allow", "    to: [{paths: [\"/never/matches/*\"]}]"]
    return "\n".join(lines) + "\n"


def bundle_files(revision, allow_prefix="/a/", broken=False, extra_rule=None):
    """{name: bytes} of a bundle; `broken` gives one that does not compile."""
    policy = "name: broken\nrules: [this is: not a policy\n" if broken else policy_text(allow_prefix, extra_rule=extra_rule)
    return {"manifest.yaml": f"name: live\nrevision: \"{revision}\"\n".encode(), "policies.yaml": policy.encode()}


def write_dir(directory: Path, files):
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        tmp = directory / (name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(directory / name)


def tar_gz(files) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(files[name]))
    return buf.getvalue()


# --- signing (OPA's .signatures.json: a compact JWS over every file's SHA-256) ---

def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Signer:
    """An EC P-256 key signing bundles with ES256; `public_pem` is for --verification-key."""

    def __init__(self, directory: Path):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.public_pem = Path(directory) / "verification.pem"
        self.public_pem.write_bytes(self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))

    def sign(self, files):
        """`files` plus a .signatures.json covering them."""
        payload = {"files": [{"name": n, "hash": hashlib.sha256(files[n]).hexdigest(), "algorithm": "SHA-256"}
                             for n in sorted(files)]}
        signing_input = _b64url(b'{"alg":"ES256"}') + "." + _b64url(json.dumps(payload).encode())
        der = self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        jws = signing_input + "." + _b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
        return {**files, ".signatures.json": json.dumps({"signatures": [jws]}).encode()}


# --- the HTTP bundle server ---

class BundleServer:
    """Serves one .tar.gz at /bundle.tar.gz with a strong ETag, answering If-None-Match with 304.
    `requests` logs (status, If-None-Match sent) per request; `down()`/`up()` close and reopen the
    port (connection refused meanwhile)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.body = None
        self.etag = None
        self.requests = []
        self.port = None
        self._server = None
        self.up()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/bundle.tar.gz"

    def publish(self, files):
        data = tar_gz(files)
        with self.lock:
            self.body = data
            self.etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'

    def publish_raw(self, data: bytes):
        """Serves `data` as is (e.g. something that is not a .tar.gz)."""
        with self.lock:
            self.body = data
            self.etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'

    def statuses(self):
        with self.lock:
            return [s for s, _ in self.requests]

    def up(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with owner.lock:
                    body, etag = owner.body, owner.etag
                    sent = self.headers.get("If-None-Match")
                    if self.path != "/bundle.tar.gz" or body is None:
                        status = 404
                    elif sent == etag:
                        status = 304
                    else:
                        status = 200
                    owner.requests.append((status, sent))
                self.send_response(status)
                if status in (200, 304):
                    self.send_header("ETag", etag)
                payload = body if status == 200 else b""
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

        self._server = Server(("127.0.0.1", self.port or 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def down(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def close(self):
        self.down()


# --- admin endpoint ---

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin_get(port, path, timeout=2.0):
    """(status, body text) of GET http://127.0.0.1:port/path; (None, error) when nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError as e:
        return None, str(e)


def bundle_status(port):
    status, text = admin_get(port, "/bundle")
    assert status == 200, text
    return json.loads(text)


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text format → ({(name, ((label, value), ...)): float}, {family: type})."""
    samples, types = {}, {}
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split(None, 3)
            types[family] = kind
            continue
        if line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        assert m, f"not a Prometheus sample line: {line!r}"
        labels = tuple(sorted(_LABEL.findall(m.group(2) or "")))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples, types


def metric(samples, name, **labels):
    """The value of one sample, 0.0 when absent."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def metric_sum(samples, name, **labels):
    """The sum over every sample of `name` whose labels include `labels`."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= set(ls))
