"""`portcullis serve` releases the pages only start-up used (bundle loading, YAML, CEL compilation) once it
serves, and again after each reload; `--keep-startup-pages` keeps them. Checked on the binary's own code
mapping in /proc/PID/smaps, and the server still answers checks after the release."""
import os
import time

import pytest

from checks import check_request, stub
from conftest import ROOT, portcullis_bin, wait_until

EXAMPLE = str(ROOT / "policies")


def code_rss_kib(pid):
    """Resident KiB of the portcullis binary's executable mappings."""
    binary = os.path.realpath(portcullis_bin())
    total = 0
    current = False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                current = len(parts) >= 6 and os.path.realpath(parts[5]) == binary and "x" in parts[1]
            elif current and parts[0] == "Rss:":
                total += int(parts[1])
    return total


def answer(server):
    request = check_request(method="GET", path="/v1/orders/1", host="orders.orders.svc.cluster.local",
                            headers={"x-tenant": "acme"},
                            source_principal="spiffe://cluster.local/ns/shop/sa/storefront",
                            destination_principal="spiffe://cluster.local/ns/orders/sa/orders-api")
    return stub(server.channel()).Check(request, timeout=10)


def settled_code_rss(server):
    # The release runs once the listeners are up; give it a moment, then read.
    time.sleep(0.5)
    return code_rss_kib(server.proc.pid)


def test_startup_pages_are_released_and_checks_still_work(start_server):
    released = start_server(["--bundle", EXAMPLE, "--threads", "1"])
    kept = start_server(["--bundle", EXAMPLE, "--threads", "1", "--keep-startup-pages"])
    low, high = settled_code_rss(released), settled_code_rss(kept)
    assert high > 0, "the binary's code mapping was not found in smaps"
    # Start-up touches several MB of code that serving never uses again.
    assert low < high / 2, f"code resident after release {low} KiB, kept {high} KiB"
    for server in (released, kept):
        assert answer(server).status.code == 0
    # Serving faults back only what it uses: well under what start-up left resident.
    for _ in range(200):
        answer(released)
    assert code_rss_kib(released.proc.pid) < high


def test_a_bad_keep_startup_pages_value_is_refused():
    import subprocess
    env = dict(os.environ, PORTCULLIS_KEEP_STARTUP_PAGES="maybe")
    proc = subprocess.run([portcullis_bin(), "serve", "--bundle", EXAMPLE, "--listen", "127.0.0.1:0"],
                          env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode != 0
    assert "PORTCULLIS_KEEP_STARTUP_PAGES" in proc.stderr
