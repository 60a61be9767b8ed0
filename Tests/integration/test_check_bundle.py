"""Authorization/Check decided by a real rule bundle (bundles/gateway), through grpcio."""
import subprocess

import grpc
import pytest

from checks import OVERWRITE, check_request, headers_of, stub
from conftest import BUNDLES, portcullis_bin

WEB = "spiffe://cluster.local/ns/shop/sa/web"


@pytest.fixture(scope="module")
def gateway():
    from conftest import Server
    server = Server(["--bundle", str(BUNDLES / "gateway")])
    yield stub(server.channel())
    server.close()


def test_allow_sets_upstream_and_response_headers(gateway):
    response = gateway.Check(check_request(path="/public/items?x=1", source_principal=WEB), timeout=5)
    assert response.status.code == 0
    ok = response.ok_response
    headers = headers_of(ok.headers)
    # Each injected header overwrites, with the legacy `append` set to match.
    assert headers["x-authz-path"] == ("/public/items", OVERWRITE, False)
    assert headers["x-authz-caller"] == ("shop", OVERWRITE, False)
    assert list(ok.headers_to_remove) == ["x-internal-secret"]
    assert headers_of(ok.response_headers_to_add)["x-decided-by"] == ("gateway", OVERWRITE, False)


def test_allow_sets_query_parameters_and_dynamic_metadata(gateway):
    response = gateway.Check(check_request(path="/query?debug=1&a=2", source_principal=WEB), timeout=5)
    assert response.status.code == 0
    ok = response.ok_response
    assert [(q.key, q.value) for q in ok.query_parameters_to_set] == [("tenant", "t1")]
    assert list(ok.query_parameters_to_remove) == ["debug"]
    metadata = response.dynamic_metadata.fields
    assert metadata["route"].string_value == "/query"
    assert metadata["rule"].string_value == "query"


def test_deny_rule_gives_403_headers_and_body(gateway):
    response = gateway.Check(check_request(path="/public/admin/users", source_principal=WEB), timeout=5)
    assert response.status.code == 7  # PERMISSION_DENIED
    denied = response.denied_response
    assert denied.status.code == 403
    assert headers_of(denied.headers)["x-denied-by"][0] == "gateway"
    assert denied.body == "denied by gateway for req-1"
    assert not response.HasField("ok_response")


def test_unauthenticated_deny_gives_401(gateway):
    response = gateway.Check(check_request(path="/private"), timeout=5)
    assert response.status.code == 16  # UNAUTHENTICATED
    assert response.denied_response.status.code == 401
    assert headers_of(response.denied_response.headers)["www-authenticate"][0] == "Bearer"


def test_no_matching_rule_falls_to_default_deny(gateway):
    response = gateway.Check(check_request(method="DELETE", path="/public/items"), timeout=5)
    assert response.status.code == 7
    assert response.denied_response.status.code == 403


def test_tcp_check_without_http_is_decided_not_refused(gateway):
    response = gateway.Check(check_request(http=False), timeout=5)
    assert response.status.code == 7


def test_broken_bundle_is_refused_with_diagnostics(tmp_path):
    (tmp_path / "manifest.yaml").write_text("name: broken\nrevision: '1'\n")
    (tmp_path / "policies.yaml").write_text("name: p\nrules:\n  - action: allow\n    when: ['request.method ==']\n")
    proc = subprocess.run([portcullis_bin(), "serve", "--bundle", str(tmp_path), "--listen", "127.0.0.1:0"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert "policies.yaml:" in proc.stderr


def test_missing_bundle_is_refused(tmp_path):
    proc = subprocess.run([portcullis_bin(), "serve", "--bundle", str(tmp_path / "nope"), "--listen", "127.0.0.1:0"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
