"""End to end through a real Envoy, with the hidden test authorizers: the codec's answers
as Envoy applies them (header overwrite, removal, response headers, query parameters)."""
import json

import pytest

from envoy_harness import Envoy, EchoUpstream


@pytest.fixture
def upstream():
    u = EchoUpstream()
    yield u
    u.close()


@pytest.fixture
def envoy_for(upstream, tmp_path):
    proxies = []

    def make(server):
        proxy = Envoy(upstream.port, server.port, tmp_path)
        proxies.append(proxy)
        return proxy

    yield make
    for p in proxies:
        p.close()


def upstream_saw(body):
    seen = json.loads(body)
    return seen, seen["headers"]


def values(headers, name):
    return [v for k, v in headers if k == name]


def test_allow_applies_every_mutation(start_server, envoy_for):
    envoy = envoy_for(start_server(["--test-authorizer", "fields"]))
    status, response_headers, body = envoy.request(
        "/items?drop=yes&keep=1",
        headers=[("x-test-path", "spoofed"), ("x-test-append", "client"), ("x-remove-me", "secret"),
                 ("x-test-once", "client"), ("x-test-if-exists", "client")])
    assert status == 200
    seen, headers = upstream_saw(body)
    # Overwritten, not appended: the client's copy is gone.
    assert values(headers, "x-test-path") == ["/items?drop=yes&keep=1"]
    # An explicit append action appends.
    assert sorted(values(headers, "x-test-append")) == ["a", "client"] or values(headers, "x-test-append") == ["client,a"]
    assert values(headers, "x-remove-me") == []
    # ADD_IF_ABSENT and OVERWRITE_IF_EXISTS carry no legacy `append` (Envoy reads `append` first
    # when it is set and would drop the action). Envoy 1.40's ext_authz client still applies an
    # unset `append` as overwrite-or-add, so here both overwrite: never a client copy beside ours.
    assert values(headers, "x-test-once") == ["added"]
    assert values(headers, "x-test-new") == ["added"]
    assert values(headers, "x-test-if-exists") == ["over"]
    assert values(headers, "x-test-if-exists-absent") == ["over"]
    assert values(response_headers, "x-response") == ["r"]
    assert "drop=" not in seen["path"] and "keep=1" in seen["path"] and "q=1" in seen["path"]


def test_deny_status_reaches_client(start_server, envoy_for):
    envoy = envoy_for(start_server(["--test-authorizer", "deny"]))
    status, _, _ = envoy.request("/anything")
    assert status == 403


def test_portcullis_stopped_gives_status_on_error(start_server, envoy_for):
    server = start_server(["--test-authorizer", "allow"])
    envoy = envoy_for(server)
    assert envoy.request("/x")[0] == 200
    assert server.terminate() == 0
    assert envoy.request("/x")[0] == 503
