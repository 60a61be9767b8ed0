"""Identity sources (identity.yaml) end to end against the real server: JWTs signed here with PyJWT and
cryptography (valid, expired, not yet valid, wrong audience/issuer, tampered, alg none, unknown kid, wrong key
type), a JWKS URL served by a local http.server (up, down, slow), API keys, and edge headers accepted from the
gateway principal and stripped otherwise; then through a real Envoy."""
import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from checks import check_request, headers_of, stub
from conftest import Server, wait_until
from envoy_harness import EchoUpstream, Envoy, free_port
from ops_support import admin_get, metric, parse_metrics

ISSUER = "https://idp.test"
AUDIENCE = "orders"
GATEWAY = "spiffe://cluster.local/ns/istio-system/sa/gateway"
PARTNER_KEY = "pk_test_partner_key_abcdef"
UNAUTHENTICATED = 16

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
REMOTE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(private_key, kid, alg):
    algorithm = jwt.algorithms.RSAAlgorithm if alg.startswith("RS") else jwt.algorithms.ECAlgorithm
    public = json.loads(algorithm.to_jwk(private_key.public_key()))
    public.update({"kid": kid, "alg": alg, "use": "sig"})
    return public


def token(key=RSA_KEY, kid="rsa-1", alg="RS256", iss=ISSUER, aud=AUDIENCE, lifetime=600, nbf=None, **claims):
    now = int(time.time())
    payload = {"iss": iss, "aud": aud, "sub": "alice", "iat": now, "exp": now + lifetime, **claims}
    if nbf is not None:
        payload["nbf"] = now + nbf
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid})


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


ROTATED_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ROTATION = {"published": [("remote-1", REMOTE_KEY)], "fetches": 0}


class JWKSHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(20)
        if self.path == "/rotating":
            ROTATION["fetches"] += 1
            body = json.dumps({"keys": [jwk(k, kid, "RS256") for kid, k in ROTATION["published"]]}).encode()
        else:
            body = json.dumps({"keys": [jwk(REMOTE_KEY, "remote-1", "RS256")]}).encode()
        try:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def jwks_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), JWKSHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def write_bundle(directory, jwks_port, down_port):
    (directory / "keys").mkdir(parents=True)
    (directory / "manifest.yaml").write_text("name: identity-test\nrevision: r1\ndefault: allow\n")
    (directory / "keys" / "idp.jwks.json").write_text(json.dumps({"keys": [jwk(RSA_KEY, "rsa-1", "RS256"),
                                                                             jwk(EC_KEY, "ec-1", "ES256")]}))
    digest = "sha256:" + hashlib.sha256(PARTNER_KEY.encode()).hexdigest()
    (directory / "keys" / "partners.json").write_text(json.dumps([{"digest": digest, "owner": "acme", "scopes": ["read"]}]))
    (directory / "identity.yaml").write_text(f"""
sources:
  user:
    kind: jwt
    issuer: {ISSUER}
    audiences: [{AUDIENCE}]
    jwks_file: keys/idp.jwks.json
    leeway: 5
  remote:
    kind: jwt
    header: x-remote-token
    issuer: {ISSUER}
    audiences: [{AUDIENCE}]
    jwks_url: http://127.0.0.1:{jwks_port}/jwks
  down:
    kind: jwt
    header: x-down-token
    issuer: {ISSUER}
    audiences: [{AUDIENCE}]
    jwks_url: http://127.0.0.1:{down_port}/jwks
  slow:
    kind: jwt
    header: x-slow-token
    issuer: {ISSUER}
    audiences: [{AUDIENCE}]
    jwks_url: http://127.0.0.1:{jwks_port}/slow
  rotating:
    kind: jwt
    header: x-rotating-token
    issuer: {ISSUER}
    audiences: [{AUDIENCE}]
    jwks_url: http://127.0.0.1:{jwks_port}/rotating
    min_refresh_interval: 1
  partner:
    kind: api_key
    header: x-api-key
    keys_file: keys/partners.json
  staff:
    kind: edge
    gateways: ["{GATEWAY}"]
""")
    (directory / "policies.yaml").write_text("""
- name: admin
  selector: {paths: ["/admin/{**}"]}
  identity: [user]
  rules:
    - name: admins
      action: allow
      when: ["identity.user.role == 'admin'"]
      response: {set_headers: {x-user: identity.user.subject}}
- name: remote
  selector: {paths: ["/remote/{**}"]}
  identity: [remote, down, slow, rotating]
  rules: [{name: any, action: allow}]
- name: partner
  selector: {paths: ["/partner/{**}"]}
  identity: [partner]
  rules:
    - name: reads
      action: allow
      when: ["'read' in identity.partner.scopes"]
      response: {set_headers: {x-partner: identity.partner.owner}}
- name: portal
  selector: {paths: ["/portal/{**}"]}
  identity: [staff]
  rules:
    - name: staff
      action: allow
      when: ["'staff' in identity.staff.groups"]
      response: {set_headers: {x-staff: identity.staff.user}}
""")


@pytest.fixture(scope="module")
def server(tmp_path_factory, jwks_server):
    directory = tmp_path_factory.mktemp("identity-bundle")
    write_bundle(directory, jwks_server, free_port())
    s = Server(["--bundle", str(directory)])
    yield s
    s.close()


@pytest.fixture(scope="module")
def authz(server):
    return stub(server.channel())


def check(authz, path, headers=None, principal="spiffe://cluster.local/ns/shop/sa/web", timeout=5):
    return authz.Check(check_request(path=path, headers=headers or {}, source_principal=principal), timeout=timeout)


def bearer(t):
    return {"authorization": "Bearer " + t}


def test_a_valid_token_with_the_role_is_allowed_and_its_claims_are_read(authz):
    response = check(authz, "/admin/users", bearer(token(role="admin")))
    assert response.status.code == 0
    assert headers_of(response.ok_response.headers)["x-user"][0] == "alice"


def test_an_ec_token_verifies_with_its_jwks_key(authz):
    response = check(authz, "/admin/users", bearer(token(key=EC_KEY, kid="ec-1", alg="ES256", role="admin")))
    assert response.status.code == 0


def test_a_valid_token_without_the_role_is_forbidden(authz):
    response = check(authz, "/admin/users", bearer(token(role="viewer")))
    assert response.status.code == 7
    assert response.denied_response.status.code == 403


def tampered():
    header, _, signature = token(role="viewer").split(".")
    now = int(time.time())
    claims = b64(json.dumps({"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "role": "admin", "exp": now + 600}).encode())
    return f"{header}.{claims}.{signature}"


def alg_none():
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "role": "admin",
                             "exp": int(time.time()) + 600}).encode())
    return f"{header}.{claims}."


INVALID = {
    "expired": (lambda: token(lifetime=-3600, role="admin"), "token expired"),
    "not yet valid": (lambda: token(nbf=3600, lifetime=7200, role="admin"), "token not yet valid"),
    "wrong audience": (lambda: token(aud="billing", role="admin"), "audience not accepted"),
    "wrong issuer": (lambda: token(iss="https://evil.test", role="admin"), "issuer not accepted"),
    "tampered": (tampered, "invalid signature"),
    "alg none": (alg_none, "unsigned tokens (alg none) are not accepted"),
    "unknown kid": (lambda: token(kid="nope", role="admin"), "no key found for the token"),
    "other key, known kid": (lambda: token(key=OTHER_RSA_KEY, role="admin"), "invalid signature"),
    "wrong key type": (lambda: token(key=EC_KEY, kid="rsa-1", alg="ES256", role="admin"),
                       "signing algorithm does not match the key"),
    "HS256 with the public key as secret": (
        lambda: jwt.api_jws.PyJWS().encode(
            json.dumps({"iss": ISSUER, "aud": AUDIENCE, "role": "admin", "exp": int(time.time()) + 600}).encode(),
            b"not-the-rsa-key-but-any-hmac-secret-0123456789", algorithm="HS256", headers={"kid": "rsa-1"}),
        "signing algorithm not accepted"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_an_invalid_token_is_401_with_a_bearer_challenge(authz, case):
    make, reason = INVALID[case]
    response = check(authz, "/admin/users", bearer(make()))
    assert response.status.code == UNAUTHENTICATED, case
    denied = response.denied_response
    assert denied.status.code == 401
    headers = headers_of(denied.headers)
    assert headers["www-authenticate"][0] == f'Bearer error="invalid_token", error_description="{reason}"'
    assert json.loads(denied.body) == {"error": "invalid credential", "source": "user", "reason": reason}


def test_an_invalid_token_is_401_even_where_no_policy_needs_it(authz):
    response = check(authz, "/anything", bearer(token(lifetime=-3600)))
    assert response.status.code == UNAUTHENTICATED


def test_no_token_where_a_policy_requires_one_is_401_without_an_error(authz):
    response = check(authz, "/admin/users")
    assert response.status.code == UNAUTHENTICATED
    assert headers_of(response.denied_response.headers)["www-authenticate"][0] == "Bearer"
    assert check(authz, "/anything").status.code == 0  # no credential, no requirement: the default allows


def test_a_token_from_the_jwks_url_is_accepted_once_fetched(authz):
    t = token(key=REMOTE_KEY, kid="remote-1")
    assert wait_until(lambda: check(authz, "/remote/x", {"x-remote-token": t}).status.code == 0, timeout=15)


def test_a_jwks_url_that_is_down_gives_401_keys_unavailable(authz):
    response = check(authz, "/remote/x", {"x-down-token": token(key=REMOTE_KEY, kid="remote-1")})
    assert response.status.code == UNAUTHENTICATED
    assert "signing keys unavailable" in headers_of(response.denied_response.headers)["www-authenticate"][0]


def test_a_slow_jwks_url_never_blocks_a_check(authz):
    # The /slow endpoint answers after 20 s (beyond the fetcher's timeout): every check still answers at once,
    # within a 2-second gRPC deadline, refusing the token rather than waiting for the IdP.
    for _ in range(5):
        response = check(authz, "/remote/x", {"x-slow-token": token(key=REMOTE_KEY, kid="remote-1")}, timeout=2)
        assert response.status.code == UNAUTHENTICATED
        assert "signing keys unavailable" in headers_of(response.denied_response.headers)["www-authenticate"][0]


def test_an_unknown_kid_refetches_the_jwks_with_rate_limiting(authz):
    first = token(key=REMOTE_KEY, kid="remote-1")
    assert wait_until(lambda: check(authz, "/remote/x", {"x-rotating-token": first}).status.code == 0, timeout=15)
    # The IdP rotates to a new key: a token with the new kid is refused at first (the keys held do not have it),
    # triggers a refetch, and is accepted once the new JWKS is in; no check waits for the fetch.
    ROTATION["published"] = [("remote-1", REMOTE_KEY), ("remote-2", ROTATED_KEY)]
    second = token(key=ROTATED_KEY, kid="remote-2")
    assert wait_until(lambda: check(authz, "/remote/x", {"x-rotating-token": second}).status.code == 0, timeout=15)
    # Rate limited: a burst of unknown kids causes at most a couple of fetches (one per min_refresh_interval).
    before, started = ROTATION["fetches"], time.monotonic()
    for i in range(20):
        unknown = token(key=ROTATED_KEY, kid=f"nope-{i}")
        assert check(authz, "/remote/x", {"x-rotating-token": unknown}).status.code == UNAUTHENTICATED
    time.sleep(0.5)
    elapsed = time.monotonic() - started
    assert ROTATION["fetches"] - before <= 1 + int(elapsed)  # 20 unknown kids, not 20 fetches


def test_api_keys_allow_by_scope_and_an_unknown_key_is_401(authz):
    ok = check(authz, "/partner/orders", {"x-api-key": PARTNER_KEY})
    assert ok.status.code == 0
    assert headers_of(ok.ok_response.headers)["x-partner"][0] == "acme"
    unknown = check(authz, "/partner/orders", {"x-api-key": "pk_guess"})
    assert unknown.status.code == UNAUTHENTICATED
    assert b"pk_guess" not in unknown.denied_response.body.encode()
    assert check(authz, "/partner/orders").status.code == UNAUTHENTICATED


def test_edge_headers_are_believed_from_the_gateway_principal(authz):
    response = check(authz, "/portal/home", {"x-authenticated-user": "jane", "x-authenticated-groups": "staff,eng"},
                     principal=GATEWAY)
    assert response.status.code == 0
    assert headers_of(response.ok_response.headers)["x-staff"][0] == "jane"
    assert list(response.ok_response.headers_to_remove) == []


def test_edge_headers_from_another_peer_are_ignored_and_stripped(authz):
    spoofed = {"x-authenticated-user": "jane", "x-authenticated-groups": "staff"}
    assert check(authz, "/portal/home", spoofed).status.code == UNAUTHENTICATED  # no identity
    response = check(authz, "/elsewhere", spoofed)  # allowed by the default, but the headers are removed
    assert response.status.code == 0
    assert set(response.ok_response.headers_to_remove) == {"x-authenticated-user", "x-authenticated-groups"}


def test_the_decision_log_records_a_spoofing_attempt(tmp_path, jwks_server, start_server):
    directory = tmp_path / "bundle"
    write_bundle(directory, jwks_server, free_port())
    log = tmp_path / "decisions.log"
    s = start_server(["--bundle", str(directory), "--decision-log", str(log)])
    a = stub(s.channel())
    assert check(a, "/elsewhere", {"x-authenticated-user": "mallory"}).status.code == 0
    assert wait_until(lambda: log.exists() and "no gateway" in log.read_text(), timeout=10), \
        log.read_text() if log.exists() else "no log"


def test_jwks_fetches_are_counted_by_result(tmp_path, jwks_server, start_server):
    directory = tmp_path / "bundle"
    write_bundle(directory, jwks_server, free_port())
    admin = free_port()
    start_server(["--bundle", str(directory), "--admin", f"127.0.0.1:{admin}"])

    def counted():
        status, text = admin_get(admin, "/metrics")
        if status != 200:
            return False
        samples, _ = parse_metrics(text)
        return (metric(samples, "portcullis_jwks_refreshes_total", result="success") >= 1
                and metric(samples, "portcullis_jwks_refreshes_total", result="failure") >= 1)
    # /jwks loads (success); the closed port fails at once (failure); /slow is still pending.
    assert wait_until(counted, timeout=15)


@pytest.fixture(scope="module")
def envoy(server, tmp_path_factory):
    upstream = EchoUpstream()
    proxy = Envoy(upstream.port, server.port, tmp_path_factory.mktemp("envoy-identity"))
    yield proxy
    proxy.close()
    upstream.close()


def test_envoy_a_valid_token_reaches_the_upstream(envoy):
    status, _, body = envoy.request("/admin/users", headers=[("authorization", "Bearer " + token(role="admin"))])
    assert status == 200, body
    seen = dict(json.loads(body)["headers"])
    assert seen["x-user"] == "alice"


def test_envoy_an_expired_token_is_401_with_the_challenge(envoy):
    status, headers, _ = envoy.request("/admin/users", headers=[("authorization", "Bearer " + token(lifetime=-3600))])
    assert status == 401
    assert dict(headers)["www-authenticate"] == 'Bearer error="invalid_token", error_description="token expired"'


def test_envoy_strips_spoofed_edge_headers_before_the_upstream(envoy):
    # Through this Envoy the peer has no principal: it is no gateway, so the headers are forged.
    status, _, body = envoy.request("/elsewhere", headers=[("x-authenticated-user", "mallory"), ("x-other", "kept")])
    assert status == 200, body
    seen = [k for k, _ in json.loads(body)["headers"]]
    assert "x-authenticated-user" not in seen
    assert "x-other" in seen
