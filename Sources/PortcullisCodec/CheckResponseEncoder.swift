import CEnvoyProto
import PortcullisModel

/// Encodes a `Decision` as Envoy's `envoy.service.auth.v3.CheckResponse` wire bytes.
///
/// Allow: `status.code` 0 and an `OkHttpResponse` with the upstream headers, headers_to_remove,
/// response_headers_to_add and query parameters to set and remove. Deny: `status.code` 7
/// PERMISSION_DENIED (or 16 UNAUTHENTICATED) and a `DeniedHttpResponse` with the HTTP status
/// (403 by default, 401 when unauthenticated; a status outside 100...599 falls back to those),
/// the headers and the body. Either way `dynamic_metadata` goes in `CheckResponse.dynamic_metadata`.
///
/// Every header carries an explicit `append_action`. The deprecated `append` BoolValue, the only
/// field Envoy up to 1.36 reads (unset meaning overwrite) and the one newer Envoys prefer when it
/// is set, is set to match where it has an equivalent: `false` for OVERWRITE_IF_EXISTS_OR_ADD (the
/// default: a client-sent copy is overwritten, never appended to), `true` for
/// APPEND_IF_EXISTS_OR_ADD. For ADD_IF_ABSENT and OVERWRITE_IF_EXISTS it is deliberately left
/// unset: `append` has no value meaning either, and an Envoy that finds `append` set maps it to
/// APPEND_IF_EXISTS_OR_ADD or OVERWRITE_IF_EXISTS_OR_ADD and ignores the action. With it unset,
/// Envoys that read `append_action` do what the action says; Envoy 1.40 (checked end to end in
/// Tests/integration/test_envoy_codec.py) still overwrites-or-adds, never appending a duplicate.
///
/// Reusable: the C structs are built in an arena reset after each call. One encoder per thread.
public struct CheckResponseEncoder {
    let arena = Arena()

    public init() {}

    /// One-shot convenience (allocates an arena per call).
    public static func encode(_ decision: Decision) -> [UInt8] {
        CheckResponseEncoder().encode(decision)
    }

    public func encode(_ d: Decision) -> [UInt8] {
        withArena(arena) { a in
            let msg = a.make(Envoy__Service__Auth__V3__CheckResponse.self)
            envoy__service__auth__v3__check_response__init(msg)
            let status = a.make(Google__Rpc__Status.self)
            google__rpc__status__init(status)
            msg.pointee.status = status
            if d.allowed {
                status.pointee.code = 0
                let ok = a.make(Envoy__Service__Auth__V3__OkHttpResponse.self)
                envoy__service__auth__v3__ok_http_response__init(ok)
                (ok.pointee.n_headers, ok.pointee.headers) = Self.headerOptions(d.headers, a)
                (ok.pointee.n_headers_to_remove, ok.pointee.headers_to_remove) = Self.strings(d.headersToRemove, a)
                (ok.pointee.n_response_headers_to_add, ok.pointee.response_headers_to_add) =
                    Self.headerOptions(d.responseHeadersToAdd, a)
                (ok.pointee.n_query_parameters_to_set, ok.pointee.query_parameters_to_set) =
                    Self.queryParameters(d.queryParametersToSet, a)
                (ok.pointee.n_query_parameters_to_remove, ok.pointee.query_parameters_to_remove) =
                    Self.strings(d.queryParametersToRemove, a)
                msg.pointee.http_response_case = ENVOY__SERVICE__AUTH__V3__CHECK_RESPONSE__HTTP_RESPONSE_OK_RESPONSE
                msg.pointee.ok_response = ok
            } else {
                status.pointee.code = d.denialKind == .unauthenticated ? 16 : 7
                let denied = a.make(Envoy__Service__Auth__V3__DeniedHttpResponse.self)
                envoy__service__auth__v3__denied_http_response__init(denied)
                let http = a.make(Envoy__Type__V3__HttpStatus.self)
                envoy__type__v3__http_status__init(http)
                http.pointee.code = Envoy__Type__V3__StatusCode(rawValue: UInt32(Self.denyStatus(d)))
                denied.pointee.status = http
                (denied.pointee.n_headers, denied.pointee.headers) = Self.headerOptions(d.headers, a)
                denied.pointee.body = a.cString(d.body)
                msg.pointee.http_response_case = ENVOY__SERVICE__AUTH__V3__CHECK_RESPONSE__HTTP_RESPONSE_DENIED_RESPONSE
                msg.pointee.denied_response = denied
            }
            if !d.dynamicMetadata.isEmpty {
                msg.pointee.dynamic_metadata = StructConversion.cStruct(d.dynamicMetadata, a)
            }
            return packed(
                msg, size: { envoy__service__auth__v3__check_response__get_packed_size($0) },
                pack: { envoy__service__auth__v3__check_response__pack($0, $1) })
        }
    }

    static func denyStatus(_ d: Decision) -> Int {
        if (100...599).contains(d.httpStatus) { return d.httpStatus }
        return d.denialKind == .unauthenticated ? 401 : 403
    }

    static func headerOptions(
        _ headers: [HeaderMutation], _ a: Arena
    ) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<Envoy__Config__Core__V3__HeaderValueOption>?>?) {
        guard !headers.isEmpty else { return (0, nil) }
        let list = a.makeArray(UnsafeMutablePointer<Envoy__Config__Core__V3__HeaderValueOption>?.self, count: headers.count)
        for (i, h) in headers.enumerated() {
            let opt = a.make(Envoy__Config__Core__V3__HeaderValueOption.self)
            envoy__config__core__v3__header_value_option__init(opt)
            let hv = a.make(Envoy__Config__Core__V3__HeaderValue.self)
            envoy__config__core__v3__header_value__init(hv)
            hv.pointee.key = a.cString(h.name)
            hv.pointee.value = a.cString(h.value)
            opt.pointee.header = hv
            opt.pointee.append_action = Envoy__Config__Core__V3__HeaderValueOption__HeaderAppendAction(
                rawValue: UInt32(h.action.rawValue))
            let legacy: Bool? =
                switch h.action {
                case .overwriteIfExistsOrAdd: false
                case .appendIfExistsOrAdd: true
                case .addIfAbsent, .overwriteIfExists: nil
                }
            if let legacy {
                let b = a.make(Google__Protobuf__BoolValue.self)
                google__protobuf__bool_value__init(b)
                b.pointee.value = legacy ? 1 : 0
                opt.pointee.append = b
            }
            list[i] = opt
        }
        return (headers.count, list)
    }

    static func strings(_ values: [String], _ a: Arena) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
        guard !values.isEmpty else { return (0, nil) }
        let list = a.makeArray(UnsafeMutablePointer<CChar>?.self, count: values.count)
        for (i, s) in values.enumerated() { list[i] = a.cString(s) }
        return (values.count, list)
    }

    static func queryParameters(
        _ params: [(key: String, value: String)], _ a: Arena
    ) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<Envoy__Config__Core__V3__QueryParameter>?>?) {
        guard !params.isEmpty else { return (0, nil) }
        let list = a.makeArray(UnsafeMutablePointer<Envoy__Config__Core__V3__QueryParameter>?.self, count: params.count)
        for (i, p) in params.enumerated() {
            let q = a.make(Envoy__Config__Core__V3__QueryParameter.self)
            envoy__config__core__v3__query_parameter__init(q)
            q.pointee.key = a.cString(p.key)
            q.pointee.value = a.cString(p.value)
            list[i] = q
        }
        return (params.count, list)
    }
}

@available(*, unavailable, message: "an encoder belongs to one thread")
extension CheckResponseEncoder: Sendable {}
