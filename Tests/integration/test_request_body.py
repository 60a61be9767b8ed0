"""Request bodies decided by rules (bundles/bodies): through the gRPC API, and through a real Envoy
configured with `with_request_body`."""
import json

import pytest

from checks import check_request, headers_of, stub
from conftest import BUNDLES
from envoy_harness import EchoUpstream, Envoy

ORDER = {"customer": "jane@shop.example", "currency": "EUR", "items": [{"sku": "SKU-1", "qty": 2}, {"sku": "SKU-22", "qty": 1}]}
JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def server():
    from conftest import Server
    s = Server(["--bundle", str(BUNDLES / "bodies")])
    yield s
    s.close()


@pytest.fixture(scope="module")
def authz(server):
    return stub(server.channel())


def order(authz, body, headers=JSON, **kw):
    return authz.Check(check_request(method="POST", path="/orders", headers=headers, body=body, **kw), timeout=5)


def test_valid_order_is_allowed_and_rules_read_the_body(authz):
    response = order(authz, json.dumps(ORDER))
    assert response.status.code == 0
    headers = headers_of(response.ok_response.headers)
    assert headers["x-order-items"][0] == "2"
    assert headers["x-order-customer"][0] == "jane@shop.example"


def test_schema_violation_is_denied_naming_the_json_pointer(authz):
    bad = dict(ORDER, items=[{"sku": "SKU-1", "qty": 2}, {"sku": "SKU-22", "qty": 0}])
    response = order(authz, json.dumps(bad))
    assert response.status.code == 7  # PERMISSION_DENIED
    denied = response.denied_response
    assert denied.status.code == 403
    assert headers_of(denied.headers)["content-type"][0] == "application/json"
    document = json.loads(denied.body)
    assert document == {
        "error": "the request body does not match schemas/order.json",
        "rule": "create-order",
        "violations": [{"pointer": "/items/1/qty", "message": "must be >= 1"}],
    }


def test_several_violations_are_all_named(authz):
    bad = {"customer": "not an address", "currency": "XXX", "items": [], "coupon": "FREE"}
    document = json.loads(order(authz, json.dumps(bad)).denied_response.body)
    assert {v["pointer"] for v in document["violations"]} == {"/customer", "/currency", "/items", "/coupon"}


def test_broken_json_is_denied_with_the_parse_error(authz):
    response = order(authz, '{"customer": "jane@shop.example", "items": [')
    assert response.status.code == 7
    document = json.loads(response.denied_response.body)
    assert document["error"].startswith("the request body could not be read: invalid JSON at byte 44")


def test_wrong_content_type_is_denied(authz):
    response = order(authz, json.dumps(ORDER), headers={"content-type": "text/plain"})
    assert response.status.code == 7
    assert "content-type \"text/plain\" is not read" in json.loads(response.denied_response.body)["error"]


def test_partial_body_never_matches(authz):
    body = json.dumps(ORDER)
    flagged = order(authz, body, headers={**JSON, "x-envoy-auth-partial-body": "true"})
    assert flagged.status.code == 7
    assert "truncated" in json.loads(flagged.denied_response.body)["error"]
    # Envoy 1.40 sends "false" when the body was cut exactly at max_request_bytes: content-length tells.
    cut = order(authz, body, headers={**JSON, "x-envoy-auth-partial-body": "false", "content-length": str(len(body) + 100)})
    assert cut.status.code == 7
    assert f"{len(body)} of {len(body) + 100} bytes" in json.loads(cut.denied_response.body)["error"]
    whole = order(authz, body, headers={**JSON, "x-envoy-auth-partial-body": "false", "content-length": str(len(body))})
    assert whole.status.code == 0


def test_raw_body_bytes_are_read_like_the_text_body(authz):
    request = check_request(method="POST", path="/orders", headers=JSON)
    request.attributes.request.http.raw_body = json.dumps(ORDER).encode()
    assert authz.Check(request, timeout=5).status.code == 0


def test_form_body(authz):
    def login(body, headers=FORM):
        return authz.Check(check_request(method="POST", path="/login", headers=headers, body=body), timeout=5)

    assert login("user=alice&password=s%3Cret").status.code == 0
    refused = login("user=mallory&password=x")
    assert refused.status.code == 7
    assert refused.denied_response.status.code == 400
    assert refused.denied_response.body == "login refused"
    assert login("user=alice&password=%zz").status.code == 7  # malformed escape: an error, never an allow
    assert login("user=alice&password=x", headers=JSON).status.code == 7  # not JSON


# Through Envoy: the ext_authz filter buffers the body (with_request_body) and sends it with the check.

@pytest.fixture(scope="module")
def envoy(server, tmp_path_factory):
    upstream = EchoUpstream()
    proxy = Envoy(upstream.port, server.port, tmp_path_factory.mktemp("envoy-body"),
                  ext_authz={"with_request_body": {"max_request_bytes": 512, "allow_partial_message": True}})
    yield proxy
    proxy.close()
    upstream.close()


def post(envoy, path, body, content_type="application/json"):
    return envoy.request(path, method="POST", headers=[("content-type", content_type)], body=body.encode())


def test_envoy_valid_order_reaches_the_upstream(envoy):
    body = json.dumps(ORDER)
    status, _, echoed = post(envoy, "/orders", body)
    assert status == 200, echoed
    seen = json.loads(echoed)
    assert seen["body"] == body
    assert ["x-order-items", "2"] in seen["headers"]


def test_envoy_schema_violation_gets_the_pointer(envoy):
    status, headers, body = post(envoy, "/orders", json.dumps(dict(ORDER, currency="XXX")))
    assert status == 403
    assert ("content-type", "application/json") in headers
    assert json.loads(body)["violations"] == [{"pointer": "/currency", "message": 'must be one of ["EUR", "USD", "GBP"]'}]


def test_envoy_body_longer_than_max_request_bytes_is_never_accepted(envoy):
    # Valid JSON, but Envoy sends only the first 512 bytes (allow_partial_message) and flags it.
    big = json.dumps(dict(ORDER, note="n" * 450))
    assert len(big) > 512
    status, _, body = post(envoy, "/orders", big)
    assert status == 403
    assert "truncated" in json.loads(body)["error"]
    # The same order without the note fits and passes.
    assert post(envoy, "/orders", json.dumps(ORDER))[0] == 200


def test_envoy_form_body(envoy):
    assert post(envoy, "/login", "user=bob&password=pw", "application/x-www-form-urlencoded")[0] == 200
    status, _, body = post(envoy, "/login", "user=eve&password=pw", "application/x-www-form-urlencoded")
    assert (status, body) == (400, b"login refused")
