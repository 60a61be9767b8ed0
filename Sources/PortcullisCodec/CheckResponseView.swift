import CEnvoyProto
import PortcullisModel

/// A decoded `CheckResponse`, field by field as it is on the wire: for tests and tooling that
/// check what Envoy will receive. The server never decodes responses.
package struct CheckResponseView: Sendable {
    package struct Header: Sendable, Hashable {
        package var key: String
        package var value: String
        package var appendAction: Int
        /// The deprecated `append` BoolValue; nil when unset.
        package var append: Bool?
        package var keepEmptyValue: Bool
    }

    package enum Kind: Sendable, Hashable { case none, ok, denied, error }

    package var grpcCode: Int32?
    package var grpcMessage = ""
    package var kind = Kind.none
    /// Denied/error: the HTTP status code (0 when unset).
    package var httpStatus = 0
    /// OK: headers for the upstream request; denied/error: headers of the local reply.
    package var headers: [Header] = []
    package var headersToRemove: [String] = []
    package var responseHeadersToAdd: [Header] = []
    package var queryParametersToSet: [(key: String, value: String)] = []
    package var queryParametersToRemove: [String] = []
    package var body = ""
    /// `CheckResponse.dynamic_metadata`; nil when absent.
    package var dynamicMetadata: JSONValue?
    /// The deprecated `OkHttpResponse.dynamic_metadata`; nil when absent.
    package var okDynamicMetadata: JSONValue?

    package init<Bytes: Collection<UInt8>>(bytes: Bytes) throws(CodecError) {
        let array = Array(bytes)
        let view: CheckResponseView? = array.withUnsafeBufferPointer { buf in
            guard let msg = envoy__service__auth__v3__check_response__unpack(nil, buf.count, buf.baseAddress) else { return nil }
            defer { envoy__service__auth__v3__check_response__free_unpacked(msg, nil) }
            return CheckResponseView(msg.pointee)
        }
        guard let view else { throw .malformed(message: "CheckResponse") }
        self = view
    }

    private init(_ m: Envoy__Service__Auth__V3__CheckResponse) {
        let str = CheckRequestConversion.string
        if let s = m.status?.pointee {
            grpcCode = s.code
            grpcMessage = str(s.message)
        }
        if let dm = m.dynamic_metadata { dynamicMetadata = StructConversion.json(dm) }
        func options(_ n: Int, _ list: UnsafeMutablePointer<UnsafeMutablePointer<Envoy__Config__Core__V3__HeaderValueOption>?>?) -> [Header] {
            guard n > 0, let list else { return [] }
            return (0..<n).compactMap { i in
                guard let o = list[i]?.pointee else { return nil }
                return Header(
                    key: str(o.header?.pointee.key), value: str(o.header?.pointee.value),
                    appendAction: Int(o.append_action.rawValue), append: o.append.map { $0.pointee.value != 0 },
                    keepEmptyValue: o.keep_empty_value != 0)
            }
        }
        func strings(_ n: Int, _ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
            guard n > 0, let list else { return [] }
            return (0..<n).map { str(list[$0]) }
        }
        func denied(_ d: Envoy__Service__Auth__V3__DeniedHttpResponse) {
            httpStatus = Int(d.status?.pointee.code.rawValue ?? 0)
            self.headers = options(d.n_headers, d.headers)
            body = str(d.body)
        }
        switch m.http_response_case {
        case ENVOY__SERVICE__AUTH__V3__CHECK_RESPONSE__HTTP_RESPONSE_OK_RESPONSE:
            kind = .ok
            if let ok = m.ok_response?.pointee {
                self.headers = options(ok.n_headers, ok.headers)
                headersToRemove = strings(ok.n_headers_to_remove, ok.headers_to_remove)
                responseHeadersToAdd = options(ok.n_response_headers_to_add, ok.response_headers_to_add)
                if ok.n_query_parameters_to_set > 0, let q = ok.query_parameters_to_set {
                    queryParametersToSet = (0..<ok.n_query_parameters_to_set).compactMap { i in
                        q[i].map { (key: str($0.pointee.key), value: str($0.pointee.value)) }
                    }
                }
                queryParametersToRemove = strings(ok.n_query_parameters_to_remove, ok.query_parameters_to_remove)
                if let dm = ok.dynamic_metadata { okDynamicMetadata = StructConversion.json(dm) }
            }
        case ENVOY__SERVICE__AUTH__V3__CHECK_RESPONSE__HTTP_RESPONSE_DENIED_RESPONSE:
            kind = .denied
            if let d = m.denied_response?.pointee { denied(d) }
        case ENVOY__SERVICE__AUTH__V3__CHECK_RESPONSE__HTTP_RESPONSE_ERROR_RESPONSE:
            kind = .error
            if let d = m.error_response?.pointee { denied(d) }
        default:
            kind = .none
        }
    }
}
