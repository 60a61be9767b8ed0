"""Envoy configurations shaped as istiod builds them, the Envoy processes, and the upstreams.

The server sidecar is wired for an `AuthorizationPolicy` with `action: CUSTOM` the way istiod's
authz builder wires it (see docs/istio.md): an RBAC filter named `envoy.filters.http.rbac` with
shadow rules only (action DENY, stat prefix `istio_ext_authz_`), an ext_authz filter enabled by
`filter_enabled_metadata` on `istio_ext_authz_shadow_effective_policy_id`, and on TCP the network
RBAC shadow rules in front of `envoy.filters.network.ext_authz`. Every address is 127.0.0.1.
"""
import json
import os
import socket
import socketserver
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mesh_common import envoy_bin, free_port

AUTHZ_CLUSTER = "outbound|9191||portcullis.local"  # istiod's name for the provider's cluster
SHADOW_KEY = "istio_ext_authz_shadow_effective_policy_id"
_base_ids = iter(range(7000 + (os.getpid() % 500) * 10, 10**6))

TLS = "envoy.transport_sockets.tls"
DOWNSTREAM_TLS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"
UPSTREAM_TLS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"
HCM = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
ROUTER = {"name": "envoy.filters.http.router",
          "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}


def address(port):
    return {"socket_address": {"address": "127.0.0.1", "port_value": port}}


def tls_certificate(cert):
    return {"certificate_chain": {"filename": str(cert.cert)}, "private_key": {"filename": str(cert.key)}}


def mtls_server_socket(cert, ca):
    """The inbound side of Istio mTLS: a client certificate from the mesh CA is required."""
    return {"name": TLS, "typed_config": {
        "@type": DOWNSTREAM_TLS,
        "require_client_certificate": True,
        "common_tls_context": {
            "tls_certificates": [tls_certificate(cert)],
            "alpn_protocols": ["h2", "http/1.1"],
            "validation_context": {
                "trusted_ca": {"filename": str(ca)},
                "match_typed_subject_alt_names": [
                    {"san_type": "URI", "matcher": {"prefix": "spiffe://cluster.local/"}}],
            },
        },
    }}


def mtls_client_socket(cert, ca, server_principal, sni, h2):
    """The outbound side of Istio mTLS: the workload certificate, and the server's SPIFFE ID checked."""
    return {"name": TLS, "typed_config": {
        "@type": UPSTREAM_TLS,
        "sni": sni,
        "common_tls_context": {
            "tls_certificates": [tls_certificate(cert)],
            "alpn_protocols": ["h2"] if h2 else [],
            "validation_context": {
                "trusted_ca": {"filename": str(ca)},
                "match_typed_subject_alt_names": [{"san_type": "URI", "matcher": {"exact": server_principal}}],
            },
        },
    }}


def cluster(name, port, h2=False, transport_socket=None):
    c = {"name": name, "type": "STATIC", "connect_timeout": "1s",
         "load_assignment": {"cluster_name": name, "endpoints": [{"lb_endpoints": [
             {"endpoint": {"address": address(port)}}]}]}}
    if h2:
        c["typed_extension_protocol_options"] = {"envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
            "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            "explicit_http_config": {"http2_protocol_options": {}}}}
    if transport_socket:
        c["transport_socket"] = transport_socket
    return c


def http_manager(stat_prefix, cluster_name, http_filters=(), **extra):
    hcm = {"@type": HCM, "stat_prefix": stat_prefix, "codec_type": "AUTO",
           "route_config": {"virtual_hosts": [{"name": "all", "domains": ["*"], "routes": [
               {"match": {"prefix": "/"}, "route": {"cluster": cluster_name, "timeout": "5s"}}]}]},
           "http_filters": [*http_filters, ROUTER]}
    hcm.update(extra)
    return {"name": "envoy.filters.network.http_connection_manager", "typed_config": hcm}


def tcp_proxy(stat_prefix, cluster_name):
    return {"name": "envoy.filters.network.tcp_proxy", "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
        "stat_prefix": stat_prefix, "cluster": cluster_name}}


def listener(name, port, filters, transport_socket=None):
    chain = {"filters": filters}
    if transport_socket:
        chain["transport_socket"] = transport_socket
    return {"name": name, "address": address(port), "filter_chains": [chain]}


def custom_policy_name(ns, policy, rule=0):
    """istiod's (up to 1.29) name for the shadow policy of one CUSTOM rule."""
    return f"istio-ext-authz-ns[{ns}]-policy[{policy}]-rule[{rule}]"


def enabled_by_shadow_policy(rbac_filter):
    return {"filter": rbac_filter, "path": [{"key": SHADOW_KEY}],
            "value": {"string_match": {"prefix": "istio-ext-authz"}}}


def authz_grpc_service(timeout="0.5s"):
    # deploy/mesh/extension-provider.yaml: service portcullis.local, port 9191, timeout 0.5s.
    return {"envoy_grpc": {"cluster_name": AUTHZ_CLUSTER, "authority": "portcullis.local"}, "timeout": timeout}


def http_custom_filters(ns, policy, not_paths):
    """What istiod emits for `action: CUSTOM` with `rules: [{to: [{operation: {notPaths: …}}]}]`."""
    permission = {"and_rules": {"rules": [{"not_rule": {"or_rules": {"rules": [
        {"url_path": {"path": {"exact": p}}} for p in not_paths]}}}]}}
    rbac = {"name": "envoy.filters.http.rbac", "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC",
        "shadow_rules": {"action": "DENY", "policies": {custom_policy_name(ns, policy): {
            "permissions": [permission], "principals": [{"and_ids": {"ids": [{"any": True}]}}]}}},
        "shadow_rules_stat_prefix": "istio_ext_authz_",
    }}
    ext_authz = {"name": "envoy.filters.http.ext_authz", "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz",
        "transport_api_version": "V3",
        "grpc_service": authz_grpc_service(),
        # failOpen: false, statusOnError: "503", includeRequestBodyInCheck as in deploy/mesh.
        "failure_mode_allow": False,
        "status_on_error": {"code": 503},
        "with_request_body": {"max_request_bytes": 65536, "allow_partial_message": True},
        "filter_enabled_metadata": enabled_by_shadow_policy("envoy.filters.http.rbac"),
    }}
    return [rbac, ext_authz]


def tcp_custom_filters(ns, policy, stat_prefix):
    """What istiod emits on a TCP chain for a CUSTOM rule without HTTP-only fields."""
    rbac = {"name": "envoy.filters.network.rbac", "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC",
        "stat_prefix": stat_prefix,
        "shadow_rules": {"action": "DENY", "policies": {custom_policy_name(ns, policy): {
            "permissions": [{"any": True}], "principals": [{"and_ids": {"ids": [{"any": True}]}}]}}},
        "shadow_rules_stat_prefix": "istio_ext_authz_",
    }}
    ext_authz = {"name": "envoy.filters.network.ext_authz", "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.filters.network.ext_authz.v3.ExtAuthz",
        "stat_prefix": stat_prefix,
        "transport_api_version": "V3",
        "grpc_service": authz_grpc_service(),
        "failure_mode_allow": False,
        "filter_enabled_metadata": enabled_by_shadow_policy("envoy.filters.network.rbac"),
    }}
    return [rbac, ext_authz]


class Envoy:
    """One Envoy process with a static config; `stats()` reads its admin endpoint."""

    def __init__(self, name, listeners, clusters, tmp_path):
        self.name = name
        self.admin_port = free_port()
        config = {"admin": {"address": address(self.admin_port)},
                  "static_resources": {"listeners": listeners, "clusters": clusters}}
        self.config_path = tmp_path / f"envoy-{name}.json"
        self.config_path.write_text(json.dumps(config, indent=1))
        self.log_path = tmp_path / f"envoy-{name}.log"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [envoy_bin(), "-c", str(self.config_path), "--base-id", str(next(_base_ids)),
             "--log-level", "warning", "--concurrency", "1", "--disable-hot-restart"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"envoy {self.name} exited:\n" + self.log_path.read_text())
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/ready", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"envoy {self.name} not ready:\n" + self.log_path.read_text())

    def stats(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/stats", timeout=5) as r:
            text = r.read().decode()
        out = {}
        for line in text.splitlines():
            name, _, value = line.rpartition(": ")
            if name and value.isdigit():
                out[name] = int(value)
        return out

    def stat(self, name):
        return self.stats().get(name, 0)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()


class _EchoHandler(BaseHTTPRequestHandler):
    """200 with the request as JSON: method, path, headers (lower-case, in order), body."""
    protocol_version = "HTTP/1.1"

    def _echo(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        payload = json.dumps({"method": self.command, "path": self.path,
                              "headers": [[k.lower(), v] for k, v in self.headers.items()],
                              "body": body.decode("utf-8", "replace")}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _echo

    def log_message(self, *args):
        pass


class EchoUpstream:
    """The application behind the server sidecar: echoes the headers it received."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class _TCPEcho(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(5)
        try:
            data = self.request.recv(4096)
            if data:
                self.request.sendall(b"echo:" + data)
        except OSError:
            pass


class TCPEchoUpstream:
    """A plain TCP workload (a database, say): answers the first bytes it gets with `echo:<bytes>`."""

    def __init__(self):
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _TCPEcho)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def tcp_exchange(port, payload=b"ping", timeout=5.0):
    """Sends `payload` and reads until the peer closes or `timeout`; returns the bytes received."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(payload)
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(4096)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"".join(chunks).startswith(b"echo:") and len(b"".join(chunks)) >= 5 + len(payload):
                break
        return b"".join(chunks)
