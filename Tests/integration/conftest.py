"""Fixtures for the integration tests: start the real `portcullis` binary (and Envoy).

PORTCULLIS_BIN names the binary under test (`make test-integration` sets it to the
release build); ENVOY_BIN names an Envoy binary for the end-to-end tests.

Leak check: `make leak-check` (scripts/leak_check.py, part of `make test`) runs the release
binary under valgrind. By hand, with LeakSanitizer: build with `swift build --product portcullis
--sanitize=address --build-path .build-asan` and run these tests with
PORTCULLIS_BIN=.build-asan/debug/portcullis ASAN_OPTIONS=detect_leaks=1: a leaking server then
exits non-zero, which the shutdown tests (exit 0) catch.
"""
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import grpc
import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLES = Path(__file__).resolve().parent / "bundles"
CHECK_METHOD = "/envoy.service.auth.v3.Authorization/Check"


def portcullis_bin() -> str:
    path = os.environ.get("PORTCULLIS_BIN") or str(ROOT / ".build" / "debug" / "portcullis")
    if not os.access(path, os.X_OK):
        pytest.exit(f"portcullis binary not found at {path}: build it or set PORTCULLIS_BIN", returncode=2)
    return path


class Server:
    """A running `portcullis serve`; its stderr is collected in `log`."""

    def __init__(self, args, listen=("127.0.0.1:0",), startup_timeout=20.0):
        cmd = [portcullis_bin(), "serve"]
        for address in listen:
            cmd += ["--listen", address]
        cmd += list(args)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.addresses = []
        self._expected = len(listen)
        self._listening = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._listening.wait(startup_timeout) or len(self.addresses) < len(listen):
            self.kill()
            raise RuntimeError("portcullis did not start:\n" + self.log)
        self._channels = []

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line)
            m = re.search(r"listening on (\S+)$", line.strip())
            if m:
                self.addresses.append(m.group(1))
                if len(self.addresses) >= self._expected:
                    self._listening.set()
        self._listening.set()

    @property
    def log(self):
        return "".join(self.lines)

    @property
    def address(self):
        return self.addresses[0]

    @property
    def port(self):
        return int(self.address.rsplit(":", 1)[1])

    def channel(self, address=None, options=()):
        ch = grpc.insecure_channel(address or self.address, options=list(options))
        self._channels.append(ch)
        return ch

    def raw_unary(self, method=CHECK_METHOD, address=None):
        return self.channel(address).unary_unary(method, request_serializer=lambda b: b,
                                                  response_deserializer=lambda b: b)

    def terminate(self, sig=signal.SIGTERM, timeout=15.0):
        """Sends `sig` and returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def close(self):
        for ch in self._channels:
            ch.close()
        self.kill()


@pytest.fixture
def start_server():
    """`start_server(args, listen=...)` starts a server stopped at the end of the test."""
    servers = []

    def start(args, listen=("127.0.0.1:0",)):
        server = Server(args, listen=listen)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def wait_until(predicate, timeout=10.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
