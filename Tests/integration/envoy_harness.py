"""A real Envoy (static config, ext_authz gRPC filter) in front of an echo upstream."""
import glob
import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def envoy_bin():
    path = os.environ.get("ENVOY_BIN")
    if not path:
        found = glob.glob(str(ROOT / ".venv-envoy/lib/python3*/site-packages/envoy/_bin/envoy"))
        path = found[0] if found else ""
    if not path or not os.access(path, os.X_OK):
        pytest.skip("no Envoy binary: set ENVOY_BIN or run `make deps`")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EchoHandler(BaseHTTPRequestHandler):
    """Answers 200 with what it received: method, path and every header line in order."""

    def _echo(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        payload = json.dumps({
            "method": self.command,
            "path": self.path,
            "headers": [[k.lower(), v] for k, v in self.headers.items()],
            "body": body.decode("utf-8", "replace"),
        }).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _echo

    def log_message(self, *args):
        pass


class EchoUpstream:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


_base_ids = iter(range(4000 + (os.getpid() % 1000) * 10, 10**6))


class Envoy:
    def __init__(self, upstream_port, authz_port, tmp_path, status_on_error=503, ext_authz=None,
                 authz_transport_socket=None):
        """`ext_authz`: extra fields of the ext_authz filter config (e.g. `with_request_body`).
        `authz_transport_socket`: the Portcullis cluster's transport_socket (e.g. mTLS)."""
        self.port = free_port()
        self.admin_port = free_port()
        config = {
            "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": self.admin_port}}},
            "static_resources": {
                "listeners": [{
                    "name": "ingress",
                    "address": {"socket_address": {"address": "127.0.0.1", "port_value": self.port}},
                    "filter_chains": [{"filters": [{
                        "name": "envoy.filters.network.http_connection_manager",
                        "typed_config": {
                            "@type": "type.googleapis.com/envoy.extensions.filters.network."
                                     "http_connection_manager.v3.HttpConnectionManager",
                            "stat_prefix": "ingress",
                            "route_config": {"virtual_hosts": [{
                                "name": "all", "domains": ["*"],
                                "routes": [{"match": {"prefix": "/"}, "route": {"cluster": "upstream"}}],
                            }]},
                            "http_filters": [
                                {"name": "envoy.filters.http.ext_authz", "typed_config": {
                                    "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz",
                                    "transport_api_version": "V3",
                                    "failure_mode_allow": False,
                                    "status_on_error": {"code": status_on_error},
                                    "grpc_service": {"envoy_grpc": {"cluster_name": "portcullis"}, "timeout": "2s"},
                                    **(ext_authz or {}),
                                }},
                                {"name": "envoy.filters.http.router", "typed_config": {
                                    "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}},
                            ],
                        },
                    }]}],
                }],
                "clusters": [
                    self._cluster("upstream", upstream_port, http2=False),
                    {**self._cluster("portcullis", authz_port, http2=True),
                     **({"transport_socket": authz_transport_socket} if authz_transport_socket else {})},
                ],
            },
        }
        self.log_path = tmp_path / f"envoy-{self.port}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [envoy_bin(), "--config-yaml", json.dumps(config), "--base-id", str(next(_base_ids)),
             "--log-level", "warning", "--concurrency", "1", "--disable-hot-restart"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready()

    @staticmethod
    def _cluster(name, port, http2):
        cluster = {
            "name": name, "type": "STATIC", "connect_timeout": "1s",
            "load_assignment": {"cluster_name": name, "endpoints": [{"lb_endpoints": [{"endpoint": {
                "address": {"socket_address": {"address": "127.0.0.1", "port_value": port}}}}]}]},
        }
        if http2:
            cluster["typed_extension_protocol_options"] = {
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                    "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                    "explicit_http_config": {"http2_protocol_options": {}},
                }}
        return cluster

    def _wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("envoy exited:\n" + self.log_path.read_text())
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/ready", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("envoy not ready:\n" + self.log_path.read_text())

    def request(self, path, method="GET", headers=(), body=None):
        """Sends a request through Envoy; returns (status, headers as [(k, v)], body bytes).
        `headers` is a list of pairs, so a header can be sent twice."""
        conn = __import__("http.client").client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in headers:
                conn.putheader(k, v)
            if body is not None:
                conn.putheader("content-length", str(len(body)))
            conn.endheaders(body)
            r = conn.getresponse()
            return r.status, [(k.lower(), v) for k, v in r.getheaders()], r.read()
        finally:
            conn.close()

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
