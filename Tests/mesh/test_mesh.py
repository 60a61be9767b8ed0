"""The mesh istiod builds for a CUSTOM AuthorizationPolicy, rebuilt on loopback with real Envoys.

    user ──TLS──▶ edge gateway Envoy ──mTLS (sa/gateway)─────┐
                                                             ▼
    storefront ──▶ client sidecar Envoy ──mTLS (sa/storefront)──▶ server sidecar Envoy ──▶ echo app
    intruder   ──▶ (same process)       ──mTLS (sa/intruder)  ──▶   │  RBAC shadow rules   (orders)
                                                                    │  ext_authz ─▶ portcullis serve
                                                     TCP, mTLS ──▶  │  network ext_authz ─▶ TCP echo
                                                                                          (orders-db)

Certificates come from a throwaway CA made with openssl, with SPIFFE URI SANs. Portcullis runs
Tests/mesh/bundle. Everything listens on 127.0.0.1 and is torn down at the end of the module.
"""
import http.client
import json
import shutil
import ssl
import time
from types import SimpleNamespace

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from mesh_common import BUNDLE, Portcullis, free_port, wait_until
from mesh_envoy import (AUTHZ_CLUSTER, EchoUpstream, Envoy, TCPEchoUpstream, cluster, http_custom_filters,
                        http_manager, listener, mtls_client_socket, mtls_server_socket, tcp_custom_filters,
                        tcp_exchange, tcp_proxy, tls_certificate, DOWNSTREAM_TLS, TLS)
from mesh_pki import MeshCA, spiffe

ORDERS = spiffe("shop", "orders")
ORDERS_DB = spiffe("shop", "orders-db")
STOREFRONT = spiffe("shop", "storefront")
GATEWAY = spiffe("istio-system", "gateway")
INTRUDER = spiffe("elsewhere", "intruder")
HTTP_STATS = "http.inbound_0.0.0.0_8080.ext_authz."
TCP_STATS = "ext_authz.inbound_0.0.0.0_5432."
AUTHZ_CALLS = f"cluster.{AUTHZ_CLUSTER}.upstream_rq_total"
ISSUER = "https://idp.mesh.test"
AUDIENCE = "orders"
KID = "mesh-test-1"


def start_portcullis(bundle, port=0):
    return Portcullis(["--bundle", str(bundle), "--threads", "1"], listen=f"127.0.0.1:{port}")


def bundle_with_keys(tmp):
    """Tests/mesh/bundle, plus keys/jwks.json holding the public half of a key made for this run."""
    bundle = tmp / "bundle"
    shutil.copytree(BUNDLE, bundle)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": KID, "alg": "RS256", "use": "sig"})
    (bundle / "keys").mkdir(exist_ok=True)
    (bundle / "keys" / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
    return bundle, key


@pytest.fixture(scope="module")
def mesh(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mesh")
    ca = MeshCA(tmp / "pki")
    certs = {name: ca.workload(*name.split("/")) for name in
             ("shop/orders", "shop/orders-db", "shop/storefront", "istio-system/gateway", "elsewhere/intruder")}
    edge_cert = ca.issue("edge", "DNS:shop.example.com", client=False)

    teardown = []  # callables, run in reverse order whatever happens
    try:
        app = EchoUpstream()
        teardown.append(app.close)
        db = TCPEchoUpstream()
        teardown.append(db.close)
        m = SimpleNamespace(ca=ca, app=app, db=db)
        m.bundle, m.signing_key = bundle_with_keys(tmp)
        m.portcullis = start_portcullis(m.bundle)
        teardown.append(lambda: m.portcullis.stop())  # whichever process it is by then

        ports = {k: free_port() for k in ("server_http", "server_tcp", "storefront_http", "intruder_http",
                                          "storefront_tcp", "intruder_tcp", "edge")}
        m.ports = ports

        # The server sidecar: workload orders (HTTP 8080) and, standing in for a second pod,
        # orders-db (TCP 5432), each with its own certificate, both wired for CUSTOM.
        server = Envoy("server-sidecar", [
            listener("inbound_8080", ports["server_http"], [http_manager(
                "inbound_0.0.0.0_8080", "inbound|8080||",
                http_custom_filters("shop", "portcullis", ["/healthz", "/readyz"]),
                # Istio's inbound defaults: XFCC appended by the sidecar, paths normalized (BASE).
                forward_client_cert_details="APPEND_FORWARD",
                set_current_client_cert_details={"uri": True},
                normalize_path=True)],
                mtls_server_socket(certs["shop/orders"], ca.cert)),
            listener("inbound_5432", ports["server_tcp"],
                     tcp_custom_filters("shop", "portcullis-db", "inbound_0.0.0.0_5432")
                     + [tcp_proxy("inbound_0.0.0.0_5432", "inbound|5432||")],
                     mtls_server_socket(certs["shop/orders-db"], ca.cert)),
        ], [
            cluster("inbound|8080||", app.port),
            cluster("inbound|5432||", db.port),
            cluster(AUTHZ_CLUSTER, m.portcullis.port, h2=True),
        ], tmp)
        teardown.append(server.stop)

        # The client side: the storefront's sidecar, and an intruder's, in one Envoy process.
        sni_http = "outbound_.8080_._.orders.shop.svc.cluster.local"
        sni_tcp = "outbound_.5432_._.orders-db.shop.svc.cluster.local"
        client_listeners, client_clusters = [], []
        for who in ("storefront", "intruder"):
            cert = certs["shop/storefront" if who == "storefront" else "elsewhere/intruder"]
            client_listeners += [
                listener(f"{who}_http", ports[f"{who}_http"], [http_manager(f"{who}_outbound", f"{who}-orders")]),
                listener(f"{who}_tcp", ports[f"{who}_tcp"], [tcp_proxy(f"{who}_db", f"{who}-orders-db")]),
            ]
            client_clusters += [
                cluster(f"{who}-orders", ports["server_http"], h2=True,
                        transport_socket=mtls_client_socket(cert, ca.cert, ORDERS, sni_http, h2=True)),
                cluster(f"{who}-orders-db", ports["server_tcp"],
                        transport_socket=mtls_client_socket(cert, ca.cert, ORDERS_DB, sni_tcp, h2=False)),
            ]
        client = Envoy("client-sidecars", client_listeners, client_clusters, tmp)
        teardown.append(client.stop)

        # The edge gateway: terminates the user's TLS, calls orders as sa/gateway.
        edge_tls = {"name": TLS, "typed_config": {"@type": DOWNSTREAM_TLS, "common_tls_context": {
            "tls_certificates": [tls_certificate(edge_cert)], "alpn_protocols": ["http/1.1"]}}}
        gateway = Envoy("edge-gateway", [
            listener("edge_443", ports["edge"], [http_manager("edge", "outbound|8080||orders")], edge_tls),
        ], [
            cluster("outbound|8080||orders", ports["server_http"], h2=True,
                    transport_socket=mtls_client_socket(certs["istio-system/gateway"], ca.cert, ORDERS,
                                                        sni_http, h2=True)),
        ], tmp)
        teardown.append(gateway.stop)

        for envoy in (server, client, gateway):
            envoy.wait_ready()
        m.server, m.client, m.gateway = server, client, gateway
        yield m
    finally:
        for stop in reversed(teardown):
            stop()


# ---------------------------------------------------------------- clients

class Reply(SimpleNamespace):
    def echoed(self):
        """The request as the upstream saw it: {header: [values]} (lower-case names)."""
        assert self.status == 200, (self.status, self.body)
        seen = {}
        for k, v in json.loads(self.body)["headers"]:
            seen.setdefault(k, []).append(v)
        return seen


def request(port, path, method="GET", headers=None, body=None, tls_context=None):
    if tls_context is None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    else:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=tls_context)
    try:
        hdrs = {"host": "orders.shop.svc.cluster.local", **(headers or {})}
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        return Reply(status=r.status, headers={k.lower(): v for k, v in r.getheaders()},
                     body=r.read().decode("utf-8", "replace"))
    finally:
        conn.close()


def as_storefront(mesh, path, **kw):
    return request(mesh.ports["storefront_http"], path, **kw)


def as_intruder(mesh, path, **kw):
    return request(mesh.ports["intruder_http"], path, **kw)


def through_gateway(mesh, path, **kw):
    ctx = ssl.create_default_context(cafile=str(mesh.ca.cert))
    ctx.check_hostname = False  # we connect to 127.0.0.1; the certificate names shop.example.com
    ctx.verify_mode = ssl.CERT_REQUIRED
    return request(mesh.ports["edge"], path, tls_context=ctx, **kw)


def deltas(envoy, names, action):
    before = envoy.stats()
    result = action()
    after = envoy.stats()
    return result, {n: after.get(n, 0) - before.get(n, 0) for n in names}


# ---------------------------------------------------------------- the tests

def test_allow_and_deny_by_caller_spiffe_identity(mesh):
    allowed = as_storefront(mesh, "/orders/42")
    assert allowed.status == 200
    seen = allowed.echoed()
    # The server sidecar appended the caller's identity in XFCC; the caller could not forge it.
    [xfcc] = seen["x-forwarded-client-cert"]
    assert xfcc.startswith(f"By={ORDERS};Hash=") and xfcc.endswith(f";URI={STOREFRONT}")
    # A forged XFCC naming the gateway does not survive the two sidecars.
    forged = as_storefront(mesh, "/orders/42", headers={
        "x-forwarded-client-cert": f"By={ORDERS};URI={GATEWAY}"}).echoed()["x-forwarded-client-cert"]
    assert len(forged) == 1 and forged[0].endswith(f";URI={STOREFRONT}") and GATEWAY not in forged[0]

    denied = as_intruder(mesh, "/orders/42")
    assert denied.status == 403
    assert denied.body == "denied by orders-api (default)\n"
    assert denied.headers["content-type"] == "text/plain"

    # The storefront may read, not write, and admin pages do not exist for it.
    assert as_storefront(mesh, "/orders/42", method="DELETE").status == 403
    hidden = as_storefront(mesh, "/admin/users")
    assert (hidden.status, hidden.body) == (404, "not found\n")
    # The sidecar normalizes the path before the check (Istio's BASE normalization), so a
    # dot-segment detour does not reach the admin pages either.
    for detour in ("/orders/../admin/users", "/orders/%2e%2e/admin/users"):
        assert as_storefront(mesh, detour).status == 404, detour


def test_injected_headers_reach_the_upstream(mesh):
    seen = as_storefront(mesh, "/orders", headers={"x-portcullis-caller": "forged"}).echoed()
    assert seen["x-portcullis-caller"] == [STOREFRONT]
    assert seen["x-portcullis-rule"] == ["storefront-reads-orders"]


def test_request_body_reaches_portcullis_up_to_max_request_bytes(mesh):
    small = as_storefront(mesh, "/uploads", method="POST", body="a" * 100)
    seen = small.echoed()
    assert seen["x-portcullis-body-bytes"] == ["100"]
    assert seen["x-portcullis-content-length"] == ["100"]
    assert seen["x-portcullis-body-partial"] == ["false"]  # Envoy always sends the flag
    # Longer than includeRequestBodyInCheck.maxRequestBytes: Portcullis sees only the first 65536
    # bytes, and the upstream still receives all of it.
    big = as_storefront(mesh, "/uploads", method="POST", body="b" * 70000)
    seen = big.echoed()
    assert seen["x-portcullis-body-bytes"] == ["65536"]
    assert json.loads(big.body)["body"] == "b" * 70000
    # Envoy (1.40) sets x-envoy-auth-partial-body by comparing what it buffered with what it
    # sends: when the buffer fills exactly at maxRequestBytes (16 KiB HTTP/2 frames here) it says
    # "false" although the body was cut, and request.size is 65536 too. Only the content-length
    # header still tells that the body is incomplete, so a body rule must compare it.
    assert seen["x-portcullis-body-partial"][0] in ("true", "false")
    assert seen["x-portcullis-request-size"] == ["65536"]
    assert seen["x-portcullis-content-length"] == ["70000"]


def test_edge_identity_header_trusted_only_from_the_gateway(mesh):
    # From the gateway's identity, the user it authenticated is passed on.
    seen = through_gateway(mesh, "/orders/7", headers={"x-authenticated-user": "alice"}).echoed()
    assert seen["x-authenticated-user"] == ["alice"]
    assert seen["x-portcullis-user"] == ["alice"]
    assert seen["x-portcullis-caller"] == [GATEWAY]
    assert seen["x-portcullis-rule"] == ["edge-users-read-orders"]
    # The gateway without an authenticated user gets nothing.
    assert through_gateway(mesh, "/orders/7").status == 403

    # The same headers from another workload are spoofed: stripped before the upstream.
    spoofed = as_storefront(mesh, "/orders/7", headers={
        "x-authenticated-user": "mallory", "x-authenticated-groups": "admins"}).echoed()
    assert "x-authenticated-user" not in spoofed and "x-authenticated-groups" not in spoofed
    assert "x-portcullis-user" not in spoofed
    assert spoofed["x-portcullis-rule"] == ["storefront-reads-orders"]
    # And they open no door for a workload that has none.
    assert as_intruder(mesh, "/orders/7", headers={"x-authenticated-user": "alice"}).status == 403


def test_requests_outside_the_custom_rule_never_reach_portcullis(mesh):
    names = [AUTHZ_CALLS, HTTP_STATS + "disabled", HTTP_STATS + "ok", HTTP_STATS + "denied"]
    # /healthz is outside the CUSTOM rule (notPaths): no shadow match, so ext_authz stays off.
    (a, b), d = deltas(mesh.server, names,
                       lambda: (as_storefront(mesh, "/healthz"), as_intruder(mesh, "/readyz")))
    assert (a.status, b.status) == (200, 200)
    assert d == {AUTHZ_CALLS: 0, HTTP_STATS + "disabled": 2, HTTP_STATS + "ok": 0, HTTP_STATS + "denied": 0}

    # Covered requests are checked: one Check call each.
    (a, b), d = deltas(mesh.server, names,
                       lambda: (as_storefront(mesh, "/orders"), as_intruder(mesh, "/orders")))
    assert (a.status, b.status) == (200, 403)
    assert d == {AUTHZ_CALLS: 2, HTTP_STATS + "disabled": 0, HTTP_STATS + "ok": 1, HTTP_STATS + "denied": 1}


def test_tcp_connection_checked_without_http_attributes(mesh):
    names = [TCP_STATS + "ok", TCP_STATS + "denied", AUTHZ_CALLS]
    got, d = deltas(mesh.server, names, lambda: tcp_exchange(mesh.ports["storefront_tcp"], b"ping"))
    assert got == b"echo:ping"
    assert d == {TCP_STATS + "ok": 1, TCP_STATS + "denied": 0, AUTHZ_CALLS: 1}

    # The intruder's namespace has an HTTP-only allow rule (`to: methods: [GET]`); a TCP check
    # carries no request.http, so it cannot match, and the connection is closed unanswered.
    got, d = deltas(mesh.server, names, lambda: tcp_exchange(mesh.ports["intruder_tcp"], b"ping"))
    assert got == b""
    assert d == {TCP_STATS + "ok": 0, TCP_STATS + "denied": 1, AUTHZ_CALLS: 1}


def test_portcullis_down_fails_closed(mesh):
    port = mesh.portcullis.port
    assert as_storefront(mesh, "/orders/1").status == 200
    mesh.portcullis.stop()
    try:
        names = [HTTP_STATS + "error", HTTP_STATS + "ok"]
        down, d = deltas(mesh.server, names, lambda: as_storefront(mesh, "/orders/1"))
        # statusOnError "503" from deploy/mesh/extension-provider.yaml, never the upstream.
        assert down.status == 503 and "method" not in down.body
        assert d == {HTTP_STATS + "error": 1, HTTP_STATS + "ok": 0}
        assert as_intruder(mesh, "/orders/1").status == 503
        assert tcp_exchange(mesh.ports["storefront_tcp"], b"ping") == b""
        # Requests outside the CUSTOM rule never depended on Portcullis.
        assert as_storefront(mesh, "/healthz").status == 200
    finally:
        mesh.portcullis = start_portcullis(mesh.bundle, port)
    assert wait_until(lambda: as_storefront(mesh, "/orders/1").status == 200, timeout=15, interval=0.2)


def token(mesh, role, **claims):
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": f"{role}-user", "role": role,
               "iat": now, "nbf": now - 5, "exp": now + 300, **claims}
    return jwt.encode(payload, mesh.signing_key, algorithm="RS256", headers={"kid": KID})


def test_jwt_role_and_body_schema(mesh):
    order = json.dumps({"sku": "ABC-1234", "quantity": 2})

    def create(bearer=None, body=order):
        headers = {"content-type": "application/json"}
        if bearer:
            headers["authorization"] = f"Bearer {bearer}"
        return as_storefront(mesh, "/orders", method="POST", headers=headers, body=body)

    # An admin's token and a body that matches schemas/order.json: created, and the upstream
    # gets the whole body and the caller's subject.
    ok = create(token(mesh, "admin"))
    seen = ok.echoed()
    assert json.loads(ok.body)["body"] == order
    assert seen["x-portcullis-caller"] == [STOREFRONT]

    # The role claim decides.
    assert create(token(mesh, "viewer")).status == 403
    # No token, an expired one, or one signed by another key: 401 with a Bearer challenge.
    for bad in (None, token(mesh, "admin", exp=int(time.time()) - 60),
                jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "role": "admin", "exp": int(time.time()) + 60},
                           rsa.generate_private_key(public_exponent=65537, key_size=2048),
                           algorithm="RS256", headers={"kid": KID})):
        denied = create(bad)
        assert denied.status == 401, denied.body
        assert denied.headers.get("www-authenticate", "").startswith("Bearer")
    # The right token with a body outside the schema: denied, naming the JSON pointer that failed.
    bad_body = create(token(mesh, "admin"), body=json.dumps({"sku": "ABC-1234", "quantity": 0}))
    assert bad_body.status in (400, 403) and "/quantity" in bad_body.body
    assert create(token(mesh, "admin"), body=json.dumps({"sku": "nope", "quantity": 1, "x": 1})).status in (400, 403)
