"""The gRPC transport, through grpcio, with the hidden test handlers (no decisions):
`echo` answers the request bytes, `fail` answers INTERNAL."""
import os
import signal
import subprocess
import threading
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from conftest import Server, portcullis_bin, wait_until

ECHO = ["--test-handler", "echo", "--threads", "2"]


def test_echo_round_trips_small_empty_and_multi_slice_messages(start_server):
    server = start_server(ECHO)
    call = server.raw_unary()
    assert call(b"hello", timeout=5) == b"hello"
    assert call(b"", timeout=5) == b""
    # Large enough to arrive in many slices: exercises the reader path, not the single-slice one.
    big = os.urandom(3 * 1024 * 1024 + 17)
    assert call(big, timeout=10) == big


def test_listens_on_tcp_and_unix_socket_at_once(start_server, tmp_path):
    sock = tmp_path / "pc.sock"
    server = start_server(ECHO, listen=("127.0.0.1:0", f"unix:{sock}"))
    assert server.addresses[1] == f"unix:{sock}"
    assert server.raw_unary(address=server.addresses[0])(b"tcp", timeout=5) == b"tcp"
    assert server.raw_unary(address=f"unix:{sock}")(b"unix", timeout=5) == b"unix"


def test_unknown_method_is_unimplemented(start_server):
    server = start_server(ECHO)
    for method in ["/foo.Bar/Baz", "/envoy.service.auth.v3.Authorization/Other", "/grpc.health.v1.Health/List"]:
        with pytest.raises(grpc.RpcError) as err:
            server.raw_unary(method)(b"x", timeout=5)
        assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
    # The server still serves afterwards.
    assert server.raw_unary()(b"ok", timeout=5) == b"ok"


def test_oversized_request_is_resource_exhausted(start_server):
    server = start_server(ECHO + ["--max-request-bytes", "1000"])
    assert server.raw_unary()(b"x" * 1000, timeout=5) == b"x" * 1000
    with pytest.raises(grpc.RpcError) as err:
        server.raw_unary()(b"x" * 1001, timeout=5)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_default_max_request_is_4_mib(start_server):
    server = start_server(ECHO)
    call = server.raw_unary()
    assert len(call(b"y" * (4 << 20), timeout=10)) == 4 << 20
    with pytest.raises(grpc.RpcError) as err:
        call(b"y" * ((4 << 20) + 1), timeout=10)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_handler_status_reaches_client(start_server):
    server = start_server(["--test-handler", "fail"])
    with pytest.raises(grpc.RpcError) as err:
        server.raw_unary()(b"x", timeout=5)
    assert err.value.code() == grpc.StatusCode.INTERNAL
    assert err.value.details() == "test handler failure"


def test_health_check(start_server):
    server = start_server(ECHO)
    health = health_pb2_grpc.HealthStub(server.channel())
    serving = health_pb2.HealthCheckResponse.SERVING
    assert health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5).status == serving
    assert health.Check(health_pb2.HealthCheckRequest(service="envoy.service.auth.v3.Authorization"),
                        timeout=5).status == serving
    with pytest.raises(grpc.RpcError) as err:
        health.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=5)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as err:
        server.raw_unary("/grpc.health.v1.Health/Check")(b"\x0a\x09short", timeout=5)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_health_watch_reports_serving_then_not_serving_on_shutdown(start_server):
    server = start_server(ECHO)
    health = health_pb2_grpc.HealthStub(server.channel())
    watch = health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=20)
    unknown = health.Watch(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=20)
    assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
    assert next(unknown).status == health_pb2.HealthCheckResponse.SERVICE_UNKNOWN
    assert server.terminate() == 0
    assert next(watch).status == health_pb2.HealthCheckResponse.NOT_SERVING
    with pytest.raises(grpc.RpcError) as err:
        next(watch)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert next(unknown).status == health_pb2.HealthCheckResponse.NOT_SERVING


def test_cancelled_watch_is_released(start_server):
    server = start_server(ECHO)
    health = health_pb2_grpc.HealthStub(server.channel())
    for _ in range(20):
        watch = health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=20)
        assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
        watch.cancel()
    # Shutdown does not wait for the cancelled streams: it ends well within the grace period.
    started = time.monotonic()
    assert server.terminate() == 0
    assert time.monotonic() - started < 3


def run_calls(call, n, payload=b"inflight", timeout=20, finished=None):
    results = [None] * n

    def one(i):
        try:
            results[i] = call(payload, timeout=timeout)
        except grpc.RpcError as e:
            results[i] = e.code()
        if finished is not None:
            finished.append(time.monotonic())

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    return threads, results


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_graceful_shutdown_lets_calls_in_flight_finish(start_server, sig):
    server = start_server(["--test-handler", "echo", "--test-delay-ms", "700", "--threads", "2",
                           "--shutdown-grace", "5"])
    call = server.raw_unary()
    threads, results = run_calls(call, 2)
    time.sleep(0.3)  # both calls are now inside the handler
    started = time.monotonic()
    assert server.terminate(sig) == 0
    for t in threads:
        t.join(10)
    assert results == [b"inflight", b"inflight"]
    assert time.monotonic() - started < 3
    assert "shutting down" in server.log
    # New calls are refused once the server has stopped.
    with pytest.raises(grpc.RpcError) as err:
        call(b"late", timeout=2)
    assert err.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def test_calls_still_running_after_grace_are_cancelled(start_server):
    server = start_server(["--test-handler", "echo", "--test-delay-ms", "3000", "--threads", "2",
                           "--shutdown-grace", "0.3"])
    finished = []
    threads, results = run_calls(server.raw_unary(), 2, finished=finished)
    time.sleep(0.3)
    started = time.monotonic()
    assert server.terminate() == 0  # once the handler has returned
    for t in threads:
        t.join(10)
    # The clients were answered when the grace period ran out, not when the handler returned.
    assert all(r in (grpc.StatusCode.CANCELLED, grpc.StatusCode.UNAVAILABLE) for r in results), results
    assert max(finished) - started < 2


def test_bind_conflict_exits_1_with_address_in_use(start_server):
    first = start_server(ECHO)
    proc = subprocess.run([portcullis_bin(), "serve", "--test-handler", "echo", "--listen", first.address],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 1
    assert "Address already in use" in proc.stderr
    assert first.raw_unary()(b"still mine", timeout=5) == b"still mine"


def test_invalid_options_are_rejected():
    for args in (["--listen", "nonsense"], ["--threads", "0"], ["--shutdown-grace", "-1"],
                 ["--max-request-bytes", "0"]):
        proc = subprocess.run([portcullis_bin(), "serve", "--test-handler", "echo", *args],
                              capture_output=True, text=True, timeout=20)
        assert proc.returncode != 0, args
        assert proc.stderr.strip(), args


def test_serve_without_bundle_is_an_error():
    proc = subprocess.run([portcullis_bin(), "serve"], capture_output=True, text=True, timeout=20)
    assert proc.returncode != 0
    assert "--bundle" in proc.stderr
