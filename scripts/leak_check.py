#!/usr/bin/env python3
"""`make leak-check`: run `portcullis serve` under valgrind's memcheck, drive it, stop it with
SIGTERM and fail on definite leaks from Portcullis' own code.

What is driven (with Python grpcio and Envoy's generated API): allowed and denied checks of the
example bundle, a check with no HTTP attributes, undecodable bytes (INVALID_ARGUMENT), an
oversized request (RESOURCE_EXHAUSTED), an unknown method (UNIMPLEMENTED), health Check and a
health Watch left open across the shutdown, all on TCP and on a unix socket. Then SIGTERM: the
server must exit 0 (graceful shutdown), and valgrind's report must hold no "definitely lost"
block whose allocation stack passes through a Portcullis module. Definite leaks with no
Portcullis frame (inside a system library on its own threads) are printed, not counted; so are
blocks made by a Swift global's one-time initializer (alive for the whole process, reported as
lost only because Swift may keep enum tag bits in the pointer that holds them).

Usage: scripts/leak_check.py [--bin .build/release/portcullis] [--keep-log FILE]
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "integration"))

import grpc  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from checks import check_request, stub  # noqa: E402

# Swift mangled module prefixes (`$s<length><name>`) and C symbols of our own code. A leak whose
# allocation stack has one of these frames is ours.
OUR_MODULES = ["portcullis", "PortcullisTransport", "PortcullisCodec", "PortcullisModel", "PortcullisPolicy",
               "PortcullisOps", "PortcullisIdentity", "CEL", "CELSupport", "JSONSchema", "LinearRegex", "CCurl"]
ONCE_FRAME = re.compile(r"swift_once|threading_impl::once_slow")
OUR_FRAME = re.compile("|".join([rf"\$s{len(m)}{m}" for m in OUR_MODULES] + [r"\bportcullis_\w+"]))


def start(binary, valgrind_log, socket_path, extra):
    cmd = ["valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite",
           "--errors-for-leak-kinds=definite", "--num-callers=40", f"--log-file={valgrind_log}",
           binary, "serve", "--bundle", str(ROOT / "policies"), "--listen", "127.0.0.1:0",
           "--listen", f"unix:{socket_path}", "--threads", "2", "--max-request-bytes", "65536", *extra]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    lines, addresses = [], []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(addresses) < 2:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r"listening on (\S+)$", line.strip())
        if m:
            addresses.append(m.group(1))
    if len(addresses) < 2:
        proc.kill()
        raise SystemExit("server did not start under valgrind:\n" + "".join(lines))
    threading.Thread(target=lambda: [lines.append(x) for x in proc.stderr], daemon=True).start()
    tcp = next(a for a in addresses if not a.startswith("unix:"))
    return proc, tcp, lines


def expect_code(call, code, what):
    try:
        call()
    except grpc.RpcError as e:
        if e.code() != code:
            raise SystemExit(f"{what}: expected {code}, got {e.code()} {e.details()}")
        return
    raise SystemExit(f"{what}: expected {code}, got OK")


def drive(tcp, socket_path):
    allowed = check_request(
        method="GET", path="/v1/orders/12345?expand=items", host="orders.orders.svc.cluster.local",
        headers={"x-tenant": "acme", "x-request-id": "leak-check"},
        source_principal="spiffe://cluster.local/ns/shop/sa/storefront",
        destination_principal="spiffe://cluster.local/ns/orders/sa/orders-api")
    denied = check_request(method="DELETE", path="/admin", source_principal="spiffe://cluster.local/ns/x/sa/y")
    watch_channel = grpc.insecure_channel(tcp)
    watch = health_pb2_grpc.HealthStub(watch_channel).Watch(health_pb2.HealthCheckRequest(service=""), timeout=600)
    first = next(watch)
    if first.status != health_pb2.HealthCheckResponse.SERVING:
        raise SystemExit(f"health watch: expected SERVING, got {first.status}")
    for address in (tcp, f"unix:{socket_path}"):
        with grpc.insecure_channel(address) as ch:
            s = stub(ch)
            for _ in range(20):
                if s.Check(allowed, timeout=60).status.code != 0:
                    raise SystemExit("the storefront request was not allowed")
                if s.Check(denied, timeout=60).status.code == 0:
                    raise SystemExit("the admin request was not denied")
            s.Check(check_request(http=False), timeout=60)
            health = health_pb2_grpc.HealthStub(ch)
            if health.Check(health_pb2.HealthCheckRequest(service=""), timeout=60).status != \
                    health_pb2.HealthCheckResponse.SERVING:
                raise SystemExit("health check: not SERVING")
            raw = ch.unary_unary("/envoy.service.auth.v3.Authorization/Check",
                                 request_serializer=lambda b: b, response_deserializer=lambda b: b)
            expect_code(lambda: raw(b"\xff\xff\xff", timeout=60), grpc.StatusCode.INVALID_ARGUMENT, "malformed bytes")
            expect_code(lambda: raw(b"\x0a" + b"\x80\x80\x04" + b"x" * 65536, timeout=60),
                        grpc.StatusCode.RESOURCE_EXHAUSTED, "oversized request")
            other = ch.unary_unary("/foo.Bar/Baz", request_serializer=lambda b: b, response_deserializer=lambda b: b)
            expect_code(lambda: other(b"", timeout=60), grpc.StatusCode.UNIMPLEMENTED, "unknown method")
    return watch_channel, watch


def leak_records(log_text):
    """valgrind's "definitely lost" records, each as its text."""
    records, current = [], None
    for line in log_text.splitlines():
        body = re.sub(r"^==\d+== ?", "", line)
        if re.search(r"are definitely lost in loss record", body):
            current = [body]
            records.append(current)
        elif current is not None:
            if body.strip() == "":
                current = None
            else:
                current.append(body)
    return ["\n".join(r) for r in records]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("PORTCULLIS_BIN", str(ROOT / ".build/release/portcullis")))
    ap.add_argument("--keep-log", help="also copy valgrind's report here")
    opts = ap.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="portcullis-leak-") as tmp:
        log = Path(tmp) / "valgrind.log"
        socket_path = Path(tmp) / "authz.sock"
        # valgrind 3.19 cannot read the DWARF 5 that Swift's toolchain writes: check a copy without
        # debug sections (the symbol table, enough to name every frame, stays).
        binary = Path(tmp) / "portcullis"
        subprocess.run(["objcopy", "--strip-debug", opts.bin, str(binary)], check=True)
        proc, tcp, server_lines = start(str(binary), log, socket_path, [])
        try:
            watch_channel, watch = drive(tcp, socket_path)
            proc.send_signal(signal.SIGTERM)
            # The open Watch hears NOT_SERVING, then the server ends it.
            statuses = []
            try:
                for message in watch:
                    statuses.append(message.status)
            except grpc.RpcError:
                pass
            watch_channel.close()
            code = proc.wait(300)
        except BaseException:
            proc.kill()
            raise
        report = log.read_text(errors="replace")
        if opts.keep_log:
            Path(opts.keep_log).write_text(report)
    if code != 0:
        print("".join(server_lines[-20:]), file=sys.stderr)
        print(report[-4000:], file=sys.stderr)
        raise SystemExit(f"FAIL: the server exited {code} after SIGTERM (0 expected)")
    if health_pb2.HealthCheckResponse.NOT_SERVING not in statuses:
        raise SystemExit(f"FAIL: the open health Watch never heard NOT_SERVING (got {statuses})")
    records = leak_records(report)
    # A block allocated under a lazy global's one-time initializer lives as long as the process;
    # memcheck calls it lost when the global holds the pointer with Swift's enum tag bits set.
    globals_ = [r for r in records if ONCE_FRAME.search(r)]
    ours = [r for r in records if OUR_FRAME.search(r) and r not in globals_]
    others = [r for r in records if not OUR_FRAME.search(r) and r not in globals_]
    summary = re.search(r"definitely lost: ([\d,]+) bytes in ([\d,]+) blocks", report)
    print(f"valgrind: {summary.group(0) if summary else 'definitely lost: 0 bytes'}; "
          f"{len(ours)} record(s) from Portcullis code, {len(others)} elsewhere, "
          f"{len(globals_)} under a global's one-time initializer; "
          f"{time.monotonic() - started:.0f} s")
    for r in others:
        print("not ours (ignored):\n" + r + "\n")
    if ours:
        for r in ours:
            print(r + "\n", file=sys.stderr)
        raise SystemExit(f"FAIL: {len(ours)} definite leak(s) from Portcullis code")
    print("leak check passed: no definite leak from Portcullis code, clean SIGTERM exit 0")


if __name__ == "__main__":
    main()
