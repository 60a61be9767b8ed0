"""Authorization/Check through the codec, with the hidden test authorizers (no bundle)."""
import grpc
import pytest

from checks import ADD_IF_ABSENT, APPEND, OVERWRITE, OVERWRITE_IF_EXISTS, check_request, headers_of, stub


def test_allow(start_server):
    server = start_server(["--test-authorizer", "allow"])
    response = stub(server.channel()).Check(check_request(path="/a"), timeout=5)
    assert response.status.code == 0
    assert response.HasField("ok_response")


def test_deny(start_server):
    server = start_server(["--test-authorizer", "deny"])
    response = stub(server.channel()).Check(check_request(path="/a"), timeout=5)
    assert response.status.code == 7  # PERMISSION_DENIED
    assert response.HasField("denied_response")
    assert response.denied_response.status.code == 403


def test_every_allow_field_reaches_envoy(start_server):
    server = start_server(["--test-authorizer", "fields"])
    response = stub(server.channel()).Check(check_request(path="/items?x=1"), timeout=5)
    assert response.status.code == 0
    ok = response.ok_response
    headers = headers_of(ok.headers)
    assert headers["x-test-path"] == ("/items?x=1", OVERWRITE, False)
    assert headers["x-test-append"] == ("a", APPEND, True)
    # No legacy `append` for the actions it cannot express: Envoy reads `append` first when it is set.
    assert headers["x-test-once"] == ("added", ADD_IF_ABSENT, None)
    assert headers["x-test-if-exists"] == ("over", OVERWRITE_IF_EXISTS, None)
    assert list(ok.headers_to_remove) == ["x-remove-me"]
    assert headers_of(ok.response_headers_to_add)["x-response"] == ("r", OVERWRITE, False)
    assert [(q.key, q.value) for q in ok.query_parameters_to_set] == [("q", "1")]
    assert list(ok.query_parameters_to_remove) == ["drop"]
    decision = response.dynamic_metadata.fields["decision"].struct_value
    assert decision.fields["allowed"].bool_value is True
    assert decision.fields["n"].number_value == 2


def test_check_without_http_attributes_is_valid(start_server):
    server = start_server(["--test-authorizer", "allow"])
    response = stub(server.channel()).Check(check_request(http=False), timeout=5)
    assert response.status.code == 0


@pytest.mark.parametrize("garbage", [b"\xff\xff\xff", b"\x0a\x05abc", b"\x0a\x02\x22\x7f"])
def test_malformed_bytes_are_invalid_argument_never_ok(start_server, garbage):
    server = start_server(["--test-authorizer", "allow"])
    with pytest.raises(grpc.RpcError) as err:
        server.raw_unary()(garbage, timeout=5)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_deeply_nested_metadata_is_refused_not_crashing(start_server):
    server = start_server(["--test-authorizer", "allow"])

    def field(number, payload):  # a length-delimited field, by hand: Python's protobuf caps depth
        n, varint = len(payload), b""
        while True:
            varint += bytes([(n & 0x7F) | (0x80 if n > 0x7F else 0)])
            n >>= 7
            if not n:
                break
        return bytes([number << 3 | 2]) + varint + payload

    value = field(3, b"x")  # Value.string_value
    for _ in range(5000):
        value = field(6, field(1, value))  # Value.list_value.values[0]
    struct = field(1, field(1, b"v") + field(2, value))
    metadata = field(1, field(1, b"deep") + field(2, struct))
    request = field(1, field(11, metadata))  # CheckRequest.attributes.metadata_context
    with pytest.raises(grpc.RpcError) as err:
        server.raw_unary()(request, timeout=5)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert stub(server.channel()).Check(check_request(), timeout=5).status.code == 0
