"""Decision logs, metrics and readiness of the real `portcullis serve` over loopback: log lines
field by field (masking, replay with `portcullis check`), the decision id returned to Envoy,
a /metrics scrape, and /readyz + gRPC health transitions. Unit-level equivalents:
Tests/PortcullisOpsTests/{DecisionLog,Metrics,Admin}."""
import json
import re
import subprocess
import time
from datetime import datetime, timezone

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from checks import check_request, stub
from conftest import portcullis_bin, wait_until
from ops_support import (BundleServer, admin_get, bundle_files, free_port, metric, metric_sum, parse_metrics,
                         write_dir)

SECRETS = ["Bearer s3cr3t-token", "session=c00kie", "k3y-123", "hunter2", "t0p-query", "4242-pin", "pa55word"]


@pytest.fixture
def bundle_dir(tmp_path):
    directory = tmp_path / "bundle"
    write_dir(directory, bundle_files("rev-7", allow_prefix="/a/"))
    return directory


def start_ops(start_server, args):
    admin = free_port()
    server = start_server(list(args) + ["--admin", f"127.0.0.1:{admin}"])
    server.admin = admin
    return server


def log_lines(path, count, timeout=5.0):
    """The first `count` decision-log lines, parsed (the log is written asynchronously)."""
    def ready():
        return path.exists() and path.read_text().count("\n") >= count
    assert wait_until(ready, timeout=timeout), path.read_text() if path.exists() else "no log file"
    return [json.loads(line) for line in path.read_text().splitlines()]


def traced_request(path, method="GET"):
    return check_request(
        method=method, path=path + "?access_token=t0p-query&page=2", host="orders.shop.svc",
        body=json.dumps({"item": "book", "card_pin": "4242-pin", "login": {"password": "pa55word"}}),
        source_principal="spiffe://cluster.local/ns/shop/sa/web",
        destination_principal="spiffe://cluster.local/ns/shop/sa/orders",
        headers={"authorization": "Bearer s3cr3t-token", "cookie": "session=c00kie", "x-api-key": "k3y-123",
                 "x-tenant-pin": "hunter2", "x-request-id": "req-42",
                 "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                 "b3": "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1", "x-b3-traceid": "80f198ee56343ba8"})


def test_decision_log_lines_field_by_field_masked_and_replayable(start_server, bundle_dir, tmp_path):
    log = tmp_path / "decisions.log"
    server = start_ops(start_server, ["--bundle", str(bundle_dir), "--decision-log", str(log),
                                      "--decision-log-include-input", "--mask-header", "x-tenant-pin",
                                      "--mask-field", "card_pin"])
    before = datetime.now(timezone.utc)
    allow = stub(server.channel()).Check(traced_request("/a/orders/1"), timeout=5)
    deny = stub(server.channel()).Check(traced_request("/b/admin", method="DELETE"), timeout=5)
    assert allow.status.code == 0 and deny.status.code != 0
    first, second = log_lines(log, 2)

    expected_keys = {"time", "decision_id", "trace", "source_principal", "destination_principal", "source_address",
                     "method", "host", "path", "policy", "rules", "allowed", "status", "dry_run", "errors",
                     "bundle_revision", "eval_us", "input"}
    for line in (first, second):
        assert set(line) == expected_keys
        when = datetime.strptime(line["time"][:26].rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
        assert line["time"].endswith("Z") and abs((when - before).total_seconds()) < 10
        assert re.fullmatch(r"[0-9a-f]{32}", line["decision_id"])
        assert line["trace"] == {"x-request-id": "req-42",
                                 "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                 "b3": "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1",
                                 "x-b3-traceid": "80f198ee56343ba8"}
        assert line["source_principal"] == "spiffe://cluster.local/ns/shop/sa/web"
        assert line["destination_principal"] == "spiffe://cluster.local/ns/shop/sa/orders"
        assert line["source_address"] == "10.0.0.1"
        assert line["host"] == "orders.shop.svc"
        assert line["policy"] == "live"
        assert line["dry_run"] is False and line["errors"] == []
        assert line["bundle_revision"] == "rev-7"
        assert isinstance(line["eval_us"], int) and 0 <= line["eval_us"] < 1_000_000

    assert first["method"] == "GET" and first["path"] == "/a/orders/1?access_token=***&page=2"
    assert first["allowed"] is True and first["status"] == 200 and first["rules"] == ["allowed-prefix"]
    assert second["method"] == "DELETE" and second["path"].startswith("/b/admin?")
    assert second["allowed"] is False and second["status"] == 403 and second["rules"] == []
    assert first["decision_id"] != second["decision_id"]

    # The id Envoy gets in dynamic metadata is the one in the log (Envoy's access log joins on it).
    assert allow.dynamic_metadata.fields["decision_id"].string_value == first["decision_id"]
    assert deny.dynamic_metadata.fields["decision_id"].string_value == second["decision_id"]

    # Secrets never reach the log; the masked headers are still there, as ***.
    text = log.read_text()
    for secret in SECRETS:
        assert secret not in text
    headers = first["input"]["attributes"]["request"]["http"]["headers"]
    for name in ("authorization", "cookie", "x-api-key", "x-tenant-pin"):
        assert headers[name] == "***"
    assert headers["x-request-id"] == "req-42"
    body = json.loads(first["input"]["attributes"]["request"]["http"]["body"])
    assert body == {"item": "book", "card_pin": "***", "login": {"password": "***"}}

    # Replay: `portcullis check` decides the logged input the same way.
    for line, code in ((first, 0), (second, 1)):
        request = tmp_path / f"replay-{code}.json"
        request.write_text(json.dumps(line["input"]))
        out = subprocess.run([portcullis_bin(), "check", "--bundle", str(bundle_dir), "--input", str(request)],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == code, out.stdout + out.stderr
        assert json.loads(out.stdout)["allowed"] is line["allowed"]


def test_sampling_drops_allowed_decisions_but_always_logs_denials(start_server, bundle_dir, tmp_path):
    log = tmp_path / "decisions.log"
    server = start_ops(start_server, ["--bundle", str(bundle_dir), "--decision-log", str(log),
                                      "--decision-log-sample-rate", "0"])
    for path in ("/a/1", "/b/1", "/a/2", "/b/2"):
        stub(server.channel()).Check(check_request(path=path), timeout=5)
    lines = log_lines(log, 2)
    time.sleep(0.3)
    lines = [json.loads(l) for l in log.read_text().splitlines()]
    assert [(l["path"], l["allowed"]) for l in lines] == [("/b/1", False), ("/b/2", False)]
    assert "input" not in lines[0]


def test_metrics_scrape_has_every_family_with_sane_values(start_server, bundle_dir, tmp_path):
    log = tmp_path / "decisions.log"
    server = start_ops(start_server, ["--bundle", str(bundle_dir), "--decision-log", str(log)])
    for i in range(7):
        stub(server.channel()).Check(check_request(path=f"/a/{i}"), timeout=5)
    for i in range(3):
        stub(server.channel()).Check(check_request(path=f"/b/{i}"), timeout=5)
    log_lines(log, 10)

    status, text = admin_get(server.admin, "/metrics")
    assert status == 200
    samples, types = parse_metrics(text)
    assert types == {
        "portcullis_checks_total": "counter", "portcullis_check_duration_seconds": "histogram",
        "portcullis_checks_in_flight": "gauge", "portcullis_bundle_loads_total": "counter",
        "portcullis_bundle_info": "gauge", "portcullis_bundle_last_refresh_timestamp_seconds": "gauge",
        "portcullis_jwks_refreshes_total": "counter", "portcullis_decision_log_written_total": "counter",
        "portcullis_decision_log_dropped_total": "counter",
    }
    assert metric(samples, "portcullis_checks_total", decision="allow", policy="live", status="200", dry_run="false") == 7
    assert metric(samples, "portcullis_checks_total", decision="deny", policy="live", status="403", dry_run="false") == 3
    assert metric(samples, "portcullis_check_duration_seconds_count") == 10
    assert 0 < metric(samples, "portcullis_check_duration_seconds_sum") < 10 * 0.25
    buckets = sorted(((float(dict(ls)["le"]), v) for (n, ls), v in samples.items()
                      if n == "portcullis_check_duration_seconds_bucket"), key=lambda b: b[0])
    assert buckets[-1] == (float("inf"), 10)
    assert all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), buckets
    assert metric(samples, "portcullis_checks_in_flight") == 0
    assert metric(samples, "portcullis_bundle_loads_total", source="directory") == 1
    assert metric(samples, "portcullis_bundle_info", revision="rev-7", source="directory") == 1
    assert abs(metric(samples, "portcullis_bundle_last_refresh_timestamp_seconds") - time.time()) < 30
    assert metric_sum(samples, "portcullis_jwks_refreshes_total") == 0
    assert metric(samples, "portcullis_decision_log_written_total") == 10
    assert metric(samples, "portcullis_decision_log_dropped_total") == 0


def health_status(server):
    health = health_pb2_grpc.HealthStub(server.channel())
    return health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5).status


SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def test_readiness_follows_the_bundle_and_its_age(start_server):
    bundle_server = BundleServer()
    try:
        bundle_server.down()
        bundle_server.publish(bundle_files("r1", allow_prefix="/a/"))
        # A URL source that is down at start: serving, but not ready and deciding nothing.
        server = start_ops(start_server, ["--bundle", bundle_server.url, "--poll-interval", "200ms",
                                          "--max-bundle-age", "1500ms"])
        assert admin_get(server.admin, "/healthz")[0] == 200
        status, reason = admin_get(server.admin, "/readyz")
        assert status == 503 and "no bundle" in reason
        assert health_status(server) == NOT_SERVING
        with pytest.raises(grpc.RpcError) as refused:
            stub(server.channel()).Check(check_request(path="/a/x"), timeout=5)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE

        # The bundle server comes up: ready, SERVING, deciding.
        bundle_server.up()
        assert wait_until(lambda: admin_get(server.admin, "/readyz")[0] == 200, timeout=8)
        assert wait_until(lambda: health_status(server) == SERVING, timeout=3)
        assert stub(server.channel()).Check(check_request(path="/a/x"), timeout=5).status.code == 0

        # No successful refresh for longer than --max-bundle-age: not ready; the last good bundle
        # still decides the calls that arrive.
        bundle_server.down()
        assert wait_until(lambda: admin_get(server.admin, "/readyz")[0] == 503, timeout=5)
        assert "not refreshed" in admin_get(server.admin, "/readyz")[1]
        assert wait_until(lambda: health_status(server) == NOT_SERVING, timeout=3)
        assert stub(server.channel()).Check(check_request(path="/a/x"), timeout=5).status.code == 0

        bundle_server.up()
        assert wait_until(lambda: admin_get(server.admin, "/readyz")[0] == 200, timeout=10)
        assert wait_until(lambda: health_status(server) == SERVING, timeout=3)
    finally:
        bundle_server.close()
