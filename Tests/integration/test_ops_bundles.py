"""Live bundle delivery against the real `portcullis serve` over loopback: an HTTP bundle server
(ETag, 304, down, back up), persistence across a restart, signed bundles, a watched directory,
and bundle swaps under h2load load. Unit-level equivalents: Tests/PortcullisOpsTests/Bundles."""
import shutil
import struct
import subprocess
import threading

import pytest

from checks import check_request, stub
from conftest import wait_until
from ops_support import (BundleServer, Signer, bundle_files, bundle_status, free_port, metric, metric_sum,
                         parse_metrics, admin_get, tar_gz, write_dir)

CHECK_PATH = "/envoy.service.auth.v3.Authorization/Check"


@pytest.fixture
def bundle_server():
    server = BundleServer()
    yield server
    server.close()


def start_ops(start_server, args):
    """`start_server` with an admin endpoint; the server gets an `admin` port attribute."""
    admin = free_port()
    server = start_server(list(args) + ["--admin", f"127.0.0.1:{admin}"])
    server.admin = admin
    return server


def allowed(server, path):
    response = stub(server.channel()).Check(check_request(path=path), timeout=5)
    return response.status.code == 0


def metrics(server):
    status, text = admin_get(server.admin, "/metrics")
    assert status == 200
    return parse_metrics(text)[0]


def revision_becomes(server, revision, timeout=8.0):
    return wait_until(lambda: bundle_status(server.admin)["revision"] == revision, timeout=timeout, interval=0.05)


def failures_reach(server, count, timeout=8.0, **labels):
    return wait_until(lambda: metric_sum(metrics(server), "portcullis_bundle_load_failures_total", **labels) >= count,
                      timeout=timeout, interval=0.05)


def test_http_source_picks_up_a_new_revision_and_honours_304(start_server, bundle_server):
    bundle_server.publish(bundle_files("r1", allow_prefix="/a/"))
    server = start_ops(start_server, ["--bundle", bundle_server.url, "--poll-interval", "200ms"])
    assert bundle_status(server.admin)["revision"] == "r1"
    assert allowed(server, "/a/x") and not allowed(server, "/b/x")

    # Unchanged content: every poll after the first sends the ETag and gets 304, nothing is re-downloaded.
    assert wait_until(lambda: len(bundle_server.requests) >= 5, timeout=5)
    first_etag = bundle_server.etag
    requests = list(bundle_server.requests)
    assert requests[0] == (200, None)
    assert all(r == (304, first_etag) for r in requests[1:]), requests
    assert metric(metrics(server), "portcullis_bundle_loads_total", source="http") == 1

    bundle_server.publish(bundle_files("r2", allow_prefix="/b/"))
    assert revision_becomes(server, "r2")
    assert not allowed(server, "/a/x") and allowed(server, "/b/x")
    assert bundle_server.statuses().count(200) == 2
    m = metrics(server)
    assert metric(m, "portcullis_bundle_loads_total", source="http") == 2
    assert metric(m, "portcullis_bundle_info", revision="r2", source="http") == 1
    assert metric_sum(m, "portcullis_bundle_info", revision="r1") == 0


def test_persisted_bundle_serves_when_the_server_is_down_at_restart(start_server, bundle_server, tmp_path):
    persist = tmp_path / "persist"
    args = ["--bundle", bundle_server.url, "--poll-interval", "200ms", "--persist-dir", str(persist)]
    bundle_server.publish(bundle_files("r1", allow_prefix="/a/"))
    first = start_ops(start_server, args)
    assert bundle_status(first.admin)["revision"] == "r1"
    assert (persist / "bundle.tar.gz").is_file()
    assert first.terminate() == 0

    bundle_server.down()
    second = start_ops(start_server, args)
    status = bundle_status(second.admin)
    assert status["revision"] == "r1" and status["from_persisted"] is True
    assert admin_get(second.admin, "/readyz")[0] == 200
    assert allowed(second, "/a/x") and not allowed(second, "/b/x")
    m = metrics(second)
    assert metric(m, "portcullis_bundle_loads_total", source="persisted") == 1
    assert metric(m, "portcullis_bundle_load_failures_total", source="http", stage="fetch") >= 1

    # The server comes back with a new revision: picked up after the backoff, no longer persisted-only.
    bundle_server.publish(bundle_files("r2", allow_prefix="/b/"))
    bundle_server.up()
    assert revision_becomes(second, "r2", timeout=10)
    assert bundle_status(second.admin)["from_persisted"] is False
    assert allowed(second, "/b/x")


def test_tampered_and_unsigned_bundles_are_refused_and_the_last_good_one_decides(start_server, bundle_server, tmp_path):
    signer = Signer(tmp_path)
    bundle_server.publish(signer.sign(bundle_files("r1", allow_prefix="/a/")))
    server = start_ops(start_server, ["--bundle", bundle_server.url, "--poll-interval", "200ms",
                                      "--verification-key", str(signer.public_pem)])
    assert bundle_status(server.admin)["revision"] == "r1"

    # Signed, then a file changed: the digest no longer matches.
    tampered = signer.sign(bundle_files("r2", allow_prefix="/a/"))
    tampered["policies.yaml"] = tampered["policies.yaml"].replace(b"/a/", b"/")
    bundle_server.publish(tampered)
    assert failures_reach(server, 1, source="http", stage="verify")
    status = bundle_status(server.admin)
    assert status["revision"] == "r1"
    assert status["last_failure"]["message"].startswith("verify:")
    assert "policies.yaml" in status["last_failure"]["message"]
    assert allowed(server, "/a/x") and not allowed(server, "/b/x")

    # No .signatures.json at all.
    bundle_server.publish(bundle_files("r3", allow_prefix="/b/"))
    assert failures_reach(server, 2, source="http", stage="verify")
    assert bundle_status(server.admin)["revision"] == "r1"
    assert allowed(server, "/a/x") and not allowed(server, "/b/x")

    # Signed by another key.
    (tmp_path / "other").mkdir()
    bundle_server.publish(Signer(tmp_path / "other").sign(bundle_files("r4", allow_prefix="/b/")))
    assert failures_reach(server, 3, source="http", stage="verify", timeout=10)
    assert bundle_status(server.admin)["revision"] == "r1"

    # Properly signed again: accepted.
    bundle_server.publish(signer.sign(bundle_files("r5", allow_prefix="/b/")))
    assert revision_becomes(server, "r5", timeout=12)
    assert allowed(server, "/b/x") and not allowed(server, "/a/x")
    assert metric(metrics(server), "portcullis_bundle_loads_total", source="http") == 2


def test_directory_edits_reload_and_a_broken_edit_never_replaces_the_good_bundle(start_server, tmp_path):
    bundle = tmp_path / "bundle"
    write_dir(bundle, bundle_files("r1", allow_prefix="/a/"))
    server = start_ops(start_server, ["--bundle", str(bundle)])
    assert allowed(server, "/a/x")

    write_dir(bundle, bundle_files("r2", allow_prefix="/b/"))
    assert revision_becomes(server, "r2")
    assert allowed(server, "/b/x") and not allowed(server, "/a/x")

    write_dir(bundle, bundle_files("r3", broken=True))
    assert failures_reach(server, 1, source="directory", stage="compile")
    status = bundle_status(server.admin)
    assert status["revision"] == "r2" and status["last_failure"]["message"].startswith("compile:")
    assert allowed(server, "/b/x") and not allowed(server, "/a/x")

    write_dir(bundle, bundle_files("r4", allow_prefix="/a/"))
    assert revision_becomes(server, "r4")
    assert allowed(server, "/a/x")


def test_undecodable_download_is_a_fetch_failure_and_the_last_good_bundle_stays(start_server, bundle_server):
    bundle_server.publish(bundle_files("r1", allow_prefix="/a/"))
    server = start_ops(start_server, ["--bundle", bundle_server.url, "--poll-interval", "200ms"])
    bundle_server.publish_raw(b"<html>this is not a tar.gz</html>")
    assert failures_reach(server, 1, source="http", stage="fetch")
    assert bundle_status(server.admin)["revision"] == "r1"
    assert allowed(server, "/a/x")
    bundle_server.publish(bundle_files("r2", allow_prefix="/b/"))
    assert revision_becomes(server, "r2")
    assert allowed(server, "/b/x")


def test_tarball_replaced_on_disk_is_reloaded(start_server, tmp_path):
    archive = tmp_path / "bundle.tar.gz"
    archive.write_bytes(tar_gz(bundle_files("r1", allow_prefix="/a/")))
    server = start_ops(start_server, ["--bundle", str(archive)])
    assert allowed(server, "/a/x")
    staged = tmp_path / "staged.tar.gz"
    staged.write_bytes(tar_gz(bundle_files("r2", allow_prefix="/b/")))
    staged.replace(archive)
    assert revision_becomes(server, "r2")
    assert allowed(server, "/b/x") and not allowed(server, "/a/x")
    assert metric(metrics(server), "portcullis_bundle_loads_total", source="tarball") == 2


def grpc_frame(message):
    data = message.SerializeToString()
    return b"\x00" + struct.pack(">I", len(data)) + data


def run_h2load(port, body_file, n):
    out = subprocess.run(
        ["h2load", "-n", str(n), "-c", "2", "-m", "8", "-t", "1", "-d", str(body_file),
         "-H", "content-type: application/grpc", "-H", "te: trailers", f"http://127.0.0.1:{port}{CHECK_PATH}"],
        capture_output=True, text=True, timeout=60).stdout
    import re
    m = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout", out)
    assert m, out
    total, done, succeeded, failed, errored, timeout = map(int, m.groups())
    return {"total": total, "done": done, "succeeded": succeeded, "bad": failed + errored + timeout, "out": out}


@pytest.mark.skipif(shutil.which("h2load") is None, reason="h2load not installed (nghttp2-client)")
def test_twenty_swaps_and_broken_bundles_under_h2load_never_fail_a_check(start_server, bundle_server, tmp_path):
    # Every good revision allows the request (different content each time); broken ones do not compile.
    bundle_server.publish(bundle_files("r0", allow_prefix="/a/"))
    server = start_ops(start_server, ["--bundle", bundle_server.url, "--poll-interval", "100ms"])
    body = tmp_path / "check.grpc"
    body.write_bytes(grpc_frame(check_request(path="/a/load")))
    assert allowed(server, "/a/load")

    swaps, broken, problems = [], [], []
    done = threading.Event()

    def publisher():
        try:
            for i in range(1, 21):
                bundle_server.publish(bundle_files(f"r{i}", allow_prefix="/a/", extra_rule=f"variant-{i}"))
                if not revision_becomes(server, f"r{i}", timeout=10):
                    problems.append(f"revision r{i} never became active")
                    return
                swaps.append(i)
                if i % 7 == 0:
                    bundle_server.publish(bundle_files(f"broken-{i}", broken=True))
                    if not failures_reach(server, len(broken) + 1, source="http", stage="compile"):
                        problems.append(f"broken bundle after r{i} not refused")
                        return
                    broken.append(i)
        finally:
            done.set()

    thread = threading.Thread(target=publisher)
    thread.start()
    runs = []
    while not done.is_set() or not runs:
        runs.append(run_h2load(server.port, body, 2000))
    thread.join()

    assert not problems, problems
    assert len(swaps) == 20 and len(broken) == 2
    sent = sum(r["total"] for r in runs)
    assert all(r["succeeded"] == r["total"] == r["done"] and r["bad"] == 0 for r in runs), [r["out"] for r in runs]
    # h2load sees only HTTP status: the server's own counters prove every call was decided and allowed.
    m = metrics(server)
    assert metric_sum(m, "portcullis_checks_total", decision="allow") == sent + 1
    assert metric_sum(m, "portcullis_checks_total", decision="deny") == 0
    assert metric(m, "portcullis_bundle_loads_total", source="http") == 21
    assert len(runs) >= 2, "the load must overlap the swaps"
