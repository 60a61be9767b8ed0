"""End to end: a client request through a real Envoy, decided by a rule bundle."""
import json
import re

import pytest

from conftest import BUNDLES
from envoy_harness import Envoy, EchoUpstream


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from conftest import Server
    upstream = EchoUpstream()
    server = Server(["--bundle", str(BUNDLES / "gateway")])
    envoy = Envoy(upstream.port, server.port, tmp_path_factory.mktemp("envoy"))
    yield envoy, server
    envoy.close()
    server.close()
    upstream.close()


def values(headers, name):
    return [v for k, v in headers if k == name]


def test_allowed_request_reaches_upstream_with_injected_headers(stack):
    envoy, _ = stack
    status, response_headers, body = envoy.request("/public/items?x=1")
    assert status == 200
    seen = json.loads(body)
    assert seen["path"] == "/public/items?x=1"
    assert values(seen["headers"], "x-authz-path") == ["/public/items"]
    assert values(response_headers, "x-decided-by") == ["gateway"]


def test_client_copy_of_injected_header_is_overwritten_not_appended(stack):
    envoy, _ = stack
    status, _, body = envoy.request("/public/items", headers=[("x-authz-path", "/forged"), ("x-authz-path", "/forged2")])
    assert status == 200
    assert values(json.loads(body)["headers"], "x-authz-path") == ["/public/items"]


def test_headers_to_remove_are_removed(stack):
    envoy, _ = stack
    status, _, body = envoy.request("/public/items", headers=[("x-internal-secret", "s3cr3t"), ("x-keep", "1")])
    assert status == 200
    headers = json.loads(body)["headers"]
    assert values(headers, "x-internal-secret") == []
    assert values(headers, "x-keep") == ["1"]


def test_query_parameters_are_set_and_removed(stack):
    envoy, _ = stack
    status, _, body = envoy.request("/query?debug=1&a=2")
    assert status == 200
    path = json.loads(body)["path"]
    assert "debug" not in path and "a=2" in path and "tenant=t1" in path


def test_denied_request_gets_status_headers_and_body(stack):
    envoy, _ = stack
    status, headers, body = envoy.request("/public/admin/users")
    assert status == 403
    assert values(headers, "x-denied-by") == ["gateway"]
    # request.id is what Envoy sends as attributes.request.http.id: its stream id.
    assert re.fullmatch(rb"denied by gateway for \d+", body), body


def test_unauthenticated_gets_401(stack):
    envoy, _ = stack
    status, headers, _ = envoy.request("/private")
    assert status == 401
    assert values(headers, "www-authenticate") == ["Bearer"]


def test_with_portcullis_stopped_envoy_answers_status_on_error(stack):
    # Last in this module: it stops the server.
    envoy, server = stack
    assert envoy.request("/public/items")[0] == 200
    assert server.terminate() == 0
    assert envoy.request("/public/items")[0] == 503
