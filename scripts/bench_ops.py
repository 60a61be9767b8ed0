#!/usr/bin/env python3
"""Live-operation costs of `portcullis serve`, measured with h2load over loopback.

Cases (allow-all bundle, one serialized CheckRequest, --threads 2):
  plaintext        the baseline
  tls              --tls-cert/--tls-key (h2load negotiates h2 over TLS; it cannot send a client certificate)
  decision-log     --decision-log FILE --admin (every decision logged, metrics on)
  swaps            HTTP bundle source polled every 100 ms, a new revision published every 250 ms during the run;
                   reports the swaps that happened and the checks the server counted (every one must be an allow)

Usage: PORTCULLIS_BIN=.build/release/portcullis .venv/bin/python scripts/bench_ops.py [--requests N]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "integration"))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_server import h2load, start  # noqa: E402
from checks import check_request  # noqa: E402
from ops_support import BundleServer, bundle_files, free_port, metric_sum, parse_metrics  # noqa: E402
from tls_pki import CA  # noqa: E402

ALLOW_ALL = str(ROOT / "Tests" / "integration" / "bundles" / "allow-all")


def frame(message):
    data = message.SerializeToString()
    return b"\x00" + len(data).to_bytes(4, "big") + data


def run(binary, args, body_file, opts, workdir, scheme="http", during=None):
    proc, port = start(binary, args, 2)
    try:
        log = str(workdir / "h2load.log")
        url_args = (port, body_file)
        h2load_scheme(scheme, *url_args, opts.warmup, log)
        stop = threading.Event()
        extra = {}
        worker = threading.Thread(target=during, args=(stop, extra)) if during else None
        if worker:
            worker.start()
        result = h2load_scheme(scheme, *url_args, opts.requests, log)
        stop.set()
        if worker:
            worker.join()
        result.update(extra)
        return result
    finally:
        proc.terminate()
        proc.wait(30)


def h2load_scheme(scheme, port, body_file, n, log):
    if scheme == "http":
        return h2load(port, body_file, n, opts.clients, opts.streams, 1, log)
    # bench_server.h2load builds an http:// URL; run the same command over https.
    cmd = ["h2load", "-n", str(n), "-c", str(opts.clients), "-m", str(opts.streams), "-t", "1", "-d", body_file,
           "-H", "content-type: application/grpc", "-H", "te: trailers",
           f"https://127.0.0.1:{port}/envoy.service.auth.v3.Authorization/Check"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    import re
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    ok = int(re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded", out).group(1))
    return {"rps": rps, "ok": ok, "n": n}


def main():
    global opts
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("PORTCULLIS_BIN", str(ROOT / ".build/release/portcullis")))
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--warmup", type=int, default=10000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--streams", type=int, default=10)
    opts = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ops-"))
    body = work / "req.grpc"
    body.write_bytes(frame(check_request(path="/a/load")))
    ca = CA(work, "bench")
    cert, key = ca.issue("server", usage="serverAuth")
    results = {}

    results["plaintext"] = run(opts.bin, ["--bundle", ALLOW_ALL], str(body), opts, work)
    results["tls"] = run(opts.bin, ["--bundle", ALLOW_ALL, "--tls-cert", str(cert), "--tls-key", str(key)],
                         str(body), opts, work, scheme="https")
    admin = free_port()
    results["decision-log"] = run(opts.bin, ["--bundle", ALLOW_ALL, "--decision-log", str(work / "decisions.log"),
                                             "--admin", f"127.0.0.1:{admin}"], str(body), opts, work)
    lines = sum(1 for _ in open(work / "decisions.log"))
    results["decision-log"]["lines"] = lines

    server = BundleServer()
    server.publish(bundle_files("r0", allow_prefix="/a/"))
    admin = free_port()

    def swap(stop, extra):
        i = 0
        revisions = set()
        while not stop.is_set():
            i += 1
            server.publish(bundle_files(f"r{i}", allow_prefix="/a/", extra_rule=f"variant-{i}"))
            time.sleep(0.25)
            with urllib.request.urlopen(f"http://127.0.0.1:{admin}/bundle", timeout=2) as r:
                revisions.add(json.loads(r.read())["revision"])
        with urllib.request.urlopen(f"http://127.0.0.1:{admin}/metrics", timeout=2) as r:
            samples, _ = parse_metrics(r.read().decode())
        extra["published"] = i
        extra["loads"] = int(metric_sum(samples, "portcullis_bundle_loads_total"))
        extra["allow"] = int(metric_sum(samples, "portcullis_checks_total", decision="allow"))
        extra["deny"] = int(metric_sum(samples, "portcullis_checks_total", decision="deny"))

    results["swaps"] = run(opts.bin, ["--bundle", server.url, "--poll-interval", "100ms", "--admin", f"127.0.0.1:{admin}"],
                           str(body), opts, work, during=swap)
    server.close()

    print(f"h2load -n {opts.requests} -c {opts.clients} -m {opts.streams} -t 1 (after {opts.warmup} warm-up), server --threads 2")
    for name, r in results.items():
        extra = {k: v for k, v in r.items() if k not in ("rps", "ok", "n", "p50", "p99")}
        print(f"{name:14s} {r['rps']:>10,.0f} checks/s  ok {r['ok']}/{r['n']}  {extra}")


if __name__ == "__main__":
    main()
