"""TLS and mutual TLS on the gRPC listener (--tls-cert, --tls-key, --tls-client-ca), with
certificates re-read when their files change, and Envoy talking to Portcullis over mTLS."""
import socket
import ssl
import subprocess
import threading
import time

import grpc
import pytest

from checks import check_request, stub
from cryptography import x509

from conftest import BUNDLES, portcullis_bin, wait_until
from envoy_harness import EchoUpstream, Envoy
from ops_support import admin_get, free_port, metric, metric_sum, parse_metrics
from tls_pki import CA, der_of, replace_atomically

ALLOW_ALL = str(BUNDLES / "allow-all")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki")
    trusted, other = CA(d, "trusted"), CA(d, "other")
    return {
        "ca": trusted.cert, "other_ca": other.cert,
        "server": trusted.issue("server", usage="serverAuth"),
        "server2": trusted.issue("server2", usage="serverAuth"),
        "client": trusted.issue("client", san="URI:spiffe://cluster.local/ns/mesh/sa/envoy", usage="clientAuth"),
        "stranger": other.issue("stranger", san="URI:spiffe://cluster.local/ns/mesh/sa/envoy", usage="clientAuth"),
    }


def tls_args(pki, client_ca=False, cert=None, key=None):
    cert_path, key_path = pki["server"] if cert is None else (cert, key)
    args = ["--bundle", ALLOW_ALL, "--tls-cert", str(cert_path), "--tls-key", str(key_path)]
    return args + (["--tls-client-ca", str(pki["ca"])] if client_ca else [])


def secure_channel(address, ca, client=None):
    key = chain = None
    if client:
        chain, key = (p.read_bytes() for p in client)
    creds = grpc.ssl_channel_credentials(root_certificates=ca.read_bytes(), private_key=key, certificate_chain=chain)
    return grpc.secure_channel(address, creds, options=[("grpc.ssl_target_name_override", "localhost")])


def check(channel):
    """The Check status code, calling once without waiting for readiness."""
    try:
        response = stub(channel).Check(check_request(), timeout=5)
        return response.status.code
    except grpc.RpcError as e:
        return e.code()


def served_certificate(port, ca):
    """DER of the certificate the server presents in a fresh TLS handshake."""
    ctx = ssl.create_default_context(cafile=str(ca))
    ctx.check_hostname = False
    ctx.set_alpn_protocols(["h2"])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            return tls.getpeercert(binary_form=True)


def test_tls_client_is_answered_and_plaintext_client_is_not(start_server, pki):
    server = start_server(tls_args(pki))
    assert "TLS on (no client certificates asked)" in server.log
    with secure_channel(server.address, pki["ca"]) as ch:
        assert check(ch) == 0
    with grpc.insecure_channel(server.address) as ch:
        assert check(ch) == grpc.StatusCode.UNAVAILABLE


def test_mtls_accepts_a_client_certificate_from_the_client_ca_only(start_server, pki):
    server = start_server(tls_args(pki, client_ca=True))
    assert "TLS on (client certificates required)" in server.log
    with secure_channel(server.address, pki["ca"], client=pki["client"]) as ch:
        assert check(ch) == 0
    with secure_channel(server.address, pki["ca"]) as ch:
        assert check(ch) == grpc.StatusCode.UNAVAILABLE
    with secure_channel(server.address, pki["ca"], client=pki["stranger"]) as ch:
        assert check(ch) == grpc.StatusCode.UNAVAILABLE
    # Still serving the right client after the refusals.
    with secure_channel(server.address, pki["ca"], client=pki["client"]) as ch:
        assert check(ch) == 0


def test_tls_flags_come_from_PORTCULLIS_TLS_variables(start_server, pki, monkeypatch):
    cert, key = pki["server"]
    monkeypatch.setenv("PORTCULLIS_TLS_CERT", str(cert))
    monkeypatch.setenv("PORTCULLIS_TLS_KEY", str(key))
    monkeypatch.setenv("PORTCULLIS_TLS_CLIENT_CA", str(pki["ca"]))
    server = start_server(["--bundle", ALLOW_ALL])
    with secure_channel(server.address, pki["ca"], client=pki["client"]) as ch:
        assert check(ch) == 0
    with secure_channel(server.address, pki["ca"]) as ch:
        assert check(ch) == grpc.StatusCode.UNAVAILABLE


def tls_metrics(server):
    status, text = admin_get(server.admin, "/metrics")
    assert status == 200
    return parse_metrics(text)[0]


def not_after(cert_path):
    return x509.load_pem_x509_certificate(cert_path.read_bytes()).not_valid_after_utc.timestamp()


def test_replaced_certificate_files_are_served_without_restart(start_server, pki, tmp_path):
    cert, key = tmp_path / "tls.crt", tmp_path / "tls.key"
    replace_atomically(cert, pki["server"][0])
    replace_atomically(key, pki["server"][1])
    admin = free_port()
    server = start_server(tls_args(pki, cert=cert, key=key) + ["--admin", f"127.0.0.1:{admin}"])
    server.admin = admin
    assert served_certificate(server.port, pki["ca"]) == der_of(pki["server"][0])
    m = tls_metrics(server)
    assert metric(m, "portcullis_tls_certificate_expiry_timestamp_seconds") == not_after(pki["server"][0])
    assert metric_sum(m, "portcullis_tls_reloads_total") == 0

    # Rotation: key first, then the certificate, each renamed into place.
    replace_atomically(key, pki["server2"][1])
    replace_atomically(cert, pki["server2"][0])
    assert served_certificate(server.port, pki["ca"]) == der_of(pki["server2"][0])
    assert wait_until(lambda: "TLS certificate files changed: reloaded" in server.log, timeout=5), server.log
    with secure_channel(server.address, pki["ca"]) as ch:
        assert check(ch) == 0
    m = tls_metrics(server)
    assert metric(m, "portcullis_tls_reloads_total", result="success") == 1
    assert metric(m, "portcullis_tls_certificate_expiry_timestamp_seconds") == not_after(pki["server2"][0])

    # A broken replacement is reported and the working certificate stays in force.
    replace_atomically(cert, _junk(tmp_path))
    assert served_certificate(server.port, pki["ca"]) == der_of(pki["server2"][0])
    assert wait_until(lambda: "were not reloaded" in server.log, timeout=5), server.log
    with secure_channel(server.address, pki["ca"]) as ch:
        assert check(ch) == 0
    assert metric(tls_metrics(server), "portcullis_tls_reloads_total", result="failure") == 1

    # A certificate whose key is not (yet) there: the core keeps the old one; reported and counted.
    replace_atomically(cert, pki["server"][0])
    assert served_certificate(server.port, pki["ca"]) == der_of(pki["server2"][0])
    assert wait_until(lambda: "does not belong to the certificate" in server.log, timeout=5), server.log
    assert metric(tls_metrics(server), "portcullis_tls_reloads_total", result="failure") == 2
    # Its key arrives: the rotation goes through.
    replace_atomically(key, pki["server"][1])
    assert served_certificate(server.port, pki["ca"]) == der_of(pki["server"][0])
    m = tls_metrics(server)
    assert metric(m, "portcullis_tls_reloads_total", result="success") == 2
    assert metric(m, "portcullis_tls_certificate_expiry_timestamp_seconds") == not_after(pki["server"][0])
    assert server.proc.poll() is None
    assert "BEGIN" not in server.log  # no key material in messages


def _junk(tmp_path):
    junk = tmp_path / "junk.crt"
    junk.write_text("this is not a certificate\n")
    return junk


def run_serve(args, timeout=20):
    return subprocess.run([portcullis_bin(), "serve", "--listen", "127.0.0.1:0", *args],
                          capture_output=True, text=True, timeout=timeout)


def test_tls_configuration_errors_stop_the_start_with_one_clear_message(pki, tmp_path):
    cert, key = pki["server"]
    out = run_serve(["--bundle", ALLOW_ALL, "--tls-cert", str(cert)])
    assert out.returncode == 64 and "--tls-cert and --tls-key go together" in out.stderr
    out = run_serve(["--bundle", ALLOW_ALL, "--tls-client-ca", str(pki["ca"])])
    assert out.returncode == 64 and "--tls-client-ca needs --tls-cert" in out.stderr
    out = run_serve(["--bundle", ALLOW_ALL, "--tls-cert", str(tmp_path / "missing.crt"), "--tls-key", str(key)])
    assert out.returncode == 64 and f"--tls-cert {tmp_path / 'missing.crt'}: No such file or directory" in out.stderr
    out = run_serve(["--bundle", ALLOW_ALL, "--tls-cert", str(key), "--tls-key", str(key)])
    assert out.returncode == 64 and "--tls-cert" in out.stderr and "no PEM certificate" in out.stderr
    out = run_serve(["--bundle", ALLOW_ALL, "--tls-cert", str(cert), "--tls-key", str(cert)])
    assert out.returncode == 64 and "--tls-key" in out.stderr and "no PEM private key" in out.stderr
    out = run_serve(["--bundle", ALLOW_ALL, "--tls-cert", str(cert), "--tls-key", str(key), "--tls-client-ca", str(key)])
    assert out.returncode == 64 and "--tls-client-ca" in out.stderr and "no PEM certificate" in out.stderr
    out = run_serve(["--bundle", ALLOW_ALL, "--tls-cert", str(cert), "--tls-key", str(pki["server2"][1])])
    assert out.returncode == 64 and "does not belong to the certificate in --tls-cert" in out.stderr, out.stderr
    assert "BEGIN" not in out.stderr  # no key material in messages
    assert "listening on" not in out.stderr


def envoy_mtls_socket(client, ca):
    cert, key = client
    return {"name": "envoy.transport_sockets.tls", "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
        "sni": "localhost",
        "common_tls_context": {
            "alpn_protocols": ["h2"],
            "tls_certificates": [{"certificate_chain": {"filename": str(cert)}, "private_key": {"filename": str(key)}}],
            "validation_context": {
                "trusted_ca": {"filename": str(ca)},
                "match_typed_subject_alt_names": [{"san_type": "DNS", "matcher": {"exact": "localhost"}}],
            },
        },
    }}


def test_envoy_decides_through_portcullis_over_mtls(start_server, pki, tmp_path):
    server = start_server(["--bundle", str(BUNDLES / "gateway")] + tls_args(pki, client_ca=True)[2:])
    upstream = EchoUpstream()
    good = bad = None
    try:
        good = Envoy(upstream.port, server.port, tmp_path,
                     authz_transport_socket=envoy_mtls_socket(pki["client"], pki["ca"]))
        assert good.request("/public/items")[0] == 200
        assert good.request("/public/admin/users")[0] == 403
        # An Envoy whose client certificate comes from another CA is refused: its ext_authz
        # call fails and it answers status_on_error.
        bad = Envoy(upstream.port, server.port, tmp_path,
                    authz_transport_socket=envoy_mtls_socket(pki["stranger"], pki["ca"]))
        assert bad.request("/public/items")[0] == 503
        assert good.request("/public/items")[0] == 200
    finally:
        for envoy in (good, bad):
            if envoy:
                envoy.close()
        upstream.close()


def test_handshakes_never_fail_while_certificates_rotate(start_server, pki, tmp_path):
    cert, key = tmp_path / "tls.crt", tmp_path / "tls.key"
    replace_atomically(cert, pki["server"][0])
    replace_atomically(key, pki["server"][1])
    server = start_server(tls_args(pki, cert=cert, key=key))
    pairs = [pki["server"], pki["server2"]]
    served, failures, handshakes, stop = set(), [], [], threading.Event()

    def connect():
        while not stop.is_set():
            try:
                served.add(served_certificate(server.port, pki["ca"]))
                handshakes.append(1)
            except (OSError, ssl.SSLError) as e:
                failures.append(repr(e))

    clients = [threading.Thread(target=connect) for _ in range(2)]
    for c in clients:
        c.start()
    try:
        for i in range(20):
            new_cert, new_key = pairs[(i + 1) % 2]
            replace_atomically(key, new_key)  # key first: a half-done rotation keeps the old pair
            time.sleep(0.01)
            replace_atomically(cert, new_cert)
            time.sleep(0.05)
    finally:
        stop.set()
        for c in clients:
            c.join()
    assert not failures, failures[:3]
    assert len(handshakes) >= 40, len(handshakes)
    assert served == {der_of(pki["server"][0]), der_of(pki["server2"][0])}
    with secure_channel(server.address, pki["ca"]) as ch:
        assert check(ch) == 0
    assert server.proc.poll() is None
