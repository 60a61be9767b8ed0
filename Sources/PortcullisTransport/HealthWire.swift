/// The two tiny messages of `grpc.health.v1`, read and written by hand: the
/// transport serves health itself and needs nothing else from protobuf.
enum HealthWire {
    static let checkMethod = "/grpc.health.v1.Health/Check"
    static let watchMethod = "/grpc.health.v1.Health/Watch"

    /// `HealthCheckResponse.ServingStatus`.
    enum ServingStatus: UInt8, Sendable {
        case unknown = 0
        case serving = 1
        case notServing = 2
        case serviceUnknown = 3
    }

    /// `HealthCheckResponse { ServingStatus status = 1; }`.
    static func encodeResponse(_ status: ServingStatus) -> [UInt8] {
        status == .unknown ? [] : [0x08, status.rawValue]
    }

    /// The `service` field (1) of a `HealthCheckRequest`; nil when the bytes are not a valid message.
    static func decodeService(_ bytes: RawSpan) -> String? {
        bytes.withUnsafeBytes { decodeService(WireReader($0)) }
    }

    private static func decodeService(_ start: WireReader) -> String? {
        var reader = start
        var service = ""
        while !reader.atEnd {
            guard let key = reader.varint() else { return nil }
            let field = key >> 3
            let wireType = key & 7
            switch wireType {
            case 0:
                guard reader.varint() != nil else { return nil }
            case 1:
                guard reader.skip(8) else { return nil }
            case 5:
                guard reader.skip(4) else { return nil }
            case 2:
                guard let length = reader.varint(), length <= UInt64(Int.max),
                      let value = reader.take(Int(length)) else { return nil }
                if field == 1 {
                    guard let text = String(validating: value, as: UTF8.self) else { return nil }
                    service = text
                }
            default:
                return nil
            }
            if field == 0 { return nil }
        }
        return service
    }
}

/// A bounds-checked reader over borrowed protobuf bytes.
/// Used only inside `withUnsafeBytes` of the borrowed request.
struct WireReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var atEnd: Bool { offset >= bytes.count }

    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard let b = byte() else { return nil }
            if shift == 63 && b > 1 { return nil }
            value |= UInt64(b & 0x7f) << UInt64(shift)
            if b & 0x80 == 0 { return value }
        }
        return nil
    }

    mutating func skip(_ n: Int) -> Bool {
        guard n >= 0, bytes.count - offset >= n else { return false }
        offset += n
        return true
    }

    mutating func take(_ n: Int) -> [UInt8]? {
        guard n >= 0, bytes.count - offset >= n else { return nil }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }
}
