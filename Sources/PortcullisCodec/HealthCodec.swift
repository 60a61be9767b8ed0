import CEnvoyProto

/// `grpc.health.v1.HealthCheckResponse.ServingStatus`.
public enum HealthServingStatus: Int, Sendable, Hashable {
    case unknown = 0
    case serving = 1
    case notServing = 2
    /// Only for Watch: the service name is not known.
    case serviceUnknown = 3
}

/// `grpc.health.v1` messages. Health checks are rare, so these allocate with malloc;
/// all functions are thread-safe.
public enum HealthCodec {
    /// The `service` name of a HealthCheckRequest (empty: the server as a whole).
    /// An empty payload is a valid request for "".
    public static func decodeRequest<Bytes: Collection<UInt8>>(bytes: Bytes) throws(CodecError) -> String {
        let array = Array(bytes)
        let service: String? = array.withUnsafeBufferPointer { buf in
            guard let msg = grpc__health__v1__health_check_request__unpack(nil, buf.count, buf.baseAddress) else { return nil }
            defer { grpc__health__v1__health_check_request__free_unpacked(msg, nil) }
            return CheckRequestConversion.string(msg.pointee.service)
        }
        guard let service else { throw .malformed(message: "HealthCheckRequest") }
        return service
    }

    public static func encodeRequest(service: String) -> [UInt8] {
        var msg = Grpc__Health__V1__HealthCheckRequest()
        grpc__health__v1__health_check_request__init(&msg)
        return service.withCString { s in
            msg.service = UnsafeMutablePointer(mutating: s)
            return withUnsafePointer(to: &msg) { p in
                packed(
                    p, size: { grpc__health__v1__health_check_request__get_packed_size($0) },
                    pack: { grpc__health__v1__health_check_request__pack($0, $1) })
            }
        }
    }

    public static func encodeResponse(_ status: HealthServingStatus) -> [UInt8] {
        var msg = Grpc__Health__V1__HealthCheckResponse()
        grpc__health__v1__health_check_response__init(&msg)
        msg.status = Grpc__Health__V1__HealthCheckResponse__ServingStatus(rawValue: UInt32(status.rawValue))
        return withUnsafePointer(to: &msg) { p in
            packed(
                p, size: { grpc__health__v1__health_check_response__get_packed_size($0) },
                pack: { grpc__health__v1__health_check_response__pack($0, $1) })
        }
    }

    /// An out-of-range status decodes as `.unknown`.
    public static func decodeResponse<Bytes: Collection<UInt8>>(bytes: Bytes) throws(CodecError) -> HealthServingStatus {
        let array = Array(bytes)
        let raw: UInt32? = array.withUnsafeBufferPointer { buf in
            guard let msg = grpc__health__v1__health_check_response__unpack(nil, buf.count, buf.baseAddress) else { return nil }
            defer { grpc__health__v1__health_check_response__free_unpacked(msg, nil) }
            return msg.pointee.status.rawValue
        }
        guard let raw else { throw .malformed(message: "HealthCheckResponse") }
        return HealthServingStatus(rawValue: Int(raw)) ?? .unknown
    }
}
