"""Helpers shared by the mesh tests: locating binaries, free ports, starting `portcullis serve`."""
import glob
import os
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
MESH_DIR = Path(__file__).resolve().parent
BUNDLE = MESH_DIR / "bundle"


def portcullis_bin() -> str:
    path = os.environ.get("PORTCULLIS_BIN") or str(ROOT / ".build" / "debug" / "portcullis")
    if not os.access(path, os.X_OK):
        pytest.exit(f"portcullis binary not found at {path}: build it or set PORTCULLIS_BIN", returncode=2)
    return path


def envoy_bin() -> str:
    path = os.environ.get("ENVOY_BIN")
    if not path:
        found = glob.glob(str(ROOT / ".venv-envoy/lib/python3*/site-packages/envoy/_bin/envoy"))
        path = found[0] if found else ""
    if not path or not os.access(path, os.X_OK):
        pytest.exit("no Envoy binary: set ENVOY_BIN or run `make deps`", returncode=2)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=2.0):
    """(status, body) of a GET; (None, error text) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except OSError as e:
        return None, str(e)


class Portcullis:
    """A running `portcullis serve` whose stderr is collected; `port` is its gRPC port."""

    def __init__(self, args, env=None, listen="127.0.0.1:0", startup_timeout=30.0):
        cmd = [portcullis_bin(), "serve"]
        if listen:
            cmd += ["--listen", listen]
        cmd += list(args)
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("PORTCULLIS_")}
        full_env.update(env or {})
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, env=full_env)
        self.lines = []
        self.address = None
        self._listening = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self._listening.wait(startup_timeout) or self.address is None:
            self.stop()
            raise RuntimeError(f"portcullis did not start ({' '.join(cmd)}):\n{self.log}")

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line)
            m = re.search(r"listening on (\S+)$", line.strip())
            if m and self.address is None and not m.group(1).startswith("unix:"):
                self.address = m.group(1)
                self._listening.set()
        self._listening.set()

    @property
    def log(self):
        return "".join(self.lines)

    @property
    def port(self):
        return int(self.address.rsplit(":", 1)[1])

    def stop(self, timeout=10.0):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)


def wait_until(predicate, timeout=10.0, interval=0.05):
    """Polls `predicate` until it returns a truthy value or `timeout` passes; returns the last value."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value
