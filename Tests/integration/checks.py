"""Building CheckRequests and calling Check with Envoy's own generated API (xds-protos)."""
import grpc
from envoy.config.core.v3 import base_pb2
from envoy.service.auth.v3 import attribute_context_pb2, external_auth_pb2, external_auth_pb2_grpc

AttributeContext = attribute_context_pb2.AttributeContext


def check_request(method="GET", path="/", host="example.com", headers=None, source_principal="",
                  destination_principal="", context_extensions=None, body="", http=True):
    attrs = AttributeContext()
    attrs.source.address.socket_address.address = "10.0.0.1"
    attrs.source.address.socket_address.port_value = 40000
    attrs.source.principal = source_principal
    attrs.destination.address.socket_address.address = "10.0.0.2"
    attrs.destination.address.socket_address.port_value = 8080
    attrs.destination.principal = destination_principal
    if http:
        h = attrs.request.http
        h.id = "req-1"
        h.method = method
        h.path = path
        h.host = host
        h.scheme = "http"
        h.protocol = "HTTP/1.1"
        h.headers[":authority"] = host
        h.headers[":method"] = method
        h.headers[":path"] = path
        for k, v in (headers or {}).items():
            h.headers[k] = v
        h.body = body
        h.size = len(body) if body else -1
    for k, v in (context_extensions or {}).items():
        attrs.context_extensions[k] = v
    return external_auth_pb2.CheckRequest(attributes=attrs)


def stub(channel):
    return external_auth_pb2_grpc.AuthorizationStub(channel)


def headers_of(options):
    """HeaderValueOptions as {key: (value, append_action, append-or-None)}."""
    out = {}
    for o in options:
        append = o.append.value if o.HasField("append") else None
        out[o.header.key] = (o.header.value, o.append_action, append)
    return out


OVERWRITE = base_pb2.HeaderValueOption.OVERWRITE_IF_EXISTS_OR_ADD
APPEND = base_pb2.HeaderValueOption.APPEND_IF_EXISTS_OR_ADD
ADD_IF_ABSENT = base_pb2.HeaderValueOption.ADD_IF_ABSENT
OVERWRITE_IF_EXISTS = base_pb2.HeaderValueOption.OVERWRITE_IF_EXISTS
