import CEnvoyProto
import PortcullisModel

/// Encodes an `AuthzRequest` as Envoy's `CheckRequest` wire bytes: what Envoy would send.
/// Tests, benchmarks (h2load bodies) and `portcullis` tooling use it; the server does not.
///
/// Reusable: the C structs are built in an arena reset after each call. Not thread-safe.
public struct CheckRequestEncoder {
    /// How request headers go on the wire.
    public enum HeaderForm: Sendable {
        /// The `headers` map, repeated names joined with "," (Envoy's default).
        case map
        /// `header_map` with `key` and `raw_value`, one entry per value (Envoy's `encode_raw_headers`).
        case rawHeaderMap
        /// `header_map` with `key` and `value`, one entry per value.
        case headerMap
    }

    let arena = Arena()

    public init() {}

    /// One-shot convenience.
    public static func encode(_ request: AuthzRequest, headers: HeaderForm = .map) -> [UInt8] {
        CheckRequestEncoder().encode(request, headers: headers)
    }

    public func encode(_ request: AuthzRequest, headers form: HeaderForm = .map) -> [UInt8] {
        withArena(arena) { a in
            let msg = a.make(Envoy__Service__Auth__V3__CheckRequest.self)
            envoy__service__auth__v3__check_request__init(msg)
            msg.pointee.attributes = attributes(request, form, a)
            return packed(
                msg, size: { envoy__service__auth__v3__check_request__get_packed_size($0) },
                pack: { envoy__service__auth__v3__check_request__pack($0, $1) })
        }
    }

    private func attributes(
        _ r: AuthzRequest, _ form: HeaderForm, _ a: Arena
    ) -> UnsafeMutablePointer<Envoy__Service__Auth__V3__AttributeContext> {
        let attrs = a.make(Envoy__Service__Auth__V3__AttributeContext.self)
        envoy__service__auth__v3__attribute_context__init(attrs)
        attrs.pointee.source = peer(r.source, a)
        attrs.pointee.destination = peer(r.destination, a)
        if r.time != nil || r.http != nil {
            let req = a.make(Envoy__Service__Auth__V3__AttributeContext__Request.self)
            envoy__service__auth__v3__attribute_context__request__init(req)
            if let t = r.time {
                let ts = a.make(Google__Protobuf__Timestamp.self)
                google__protobuf__timestamp__init(ts)
                ts.pointee.seconds = t.seconds
                ts.pointee.nanos = t.nanos
                req.pointee.time = ts
            }
            if let h = r.http { req.pointee.http = http(h, form, a) }
            attrs.pointee.request = req
        }
        let ext = r.contextExtensions.sorted { $0.key < $1.key }
        attrs.pointee.n_context_extensions = ext.count
        attrs.pointee.context_extensions = entries(ext, a) { (e: UnsafeMutablePointer<Envoy__Service__Auth__V3__AttributeContext__ContextExtensionsEntry>, k, v) in
            envoy__service__auth__v3__attribute_context__context_extensions_entry__init(e)
            e.pointee.key = k
            e.pointee.value = v
        }
        attrs.pointee.metadata_context = metadata(r.metadataContext, a)
        attrs.pointee.route_metadata_context = metadata(r.routeMetadataContext, a)
        if !r.sni.isEmpty {
            let tls = a.make(Envoy__Service__Auth__V3__AttributeContext__TLSSession.self)
            envoy__service__auth__v3__attribute_context__tlssession__init(tls)
            tls.pointee.sni = a.cString(r.sni)
            attrs.pointee.tls_session = tls
        }
        return attrs
    }

    /// An array of map-entry pointers built by `fill(entry, key, value)`.
    private func entries<E>(
        _ pairs: [(key: String, value: String)], _ a: Arena,
        _ fill: (UnsafeMutablePointer<E>, UnsafeMutablePointer<CChar>, UnsafeMutablePointer<CChar>) -> Void
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<E>?>? {
        guard !pairs.isEmpty else { return nil }
        let list = a.makeArray(UnsafeMutablePointer<E>?.self, count: pairs.count)
        for (i, p) in pairs.enumerated() {
            let e = a.make(E.self)
            fill(e, a.cString(p.key), a.cString(p.value))
            list[i] = e
        }
        return list
    }

    private func peer(_ p: PeerInfo, _ a: Arena) -> UnsafeMutablePointer<Envoy__Service__Auth__V3__AttributeContext__Peer>? {
        guard !p.address.isEmpty || p.port != 0 || !p.service.isEmpty || !p.labels.isEmpty || !p.principal.isEmpty
            || !p.certificate.isEmpty
        else { return nil }
        let out = a.make(Envoy__Service__Auth__V3__AttributeContext__Peer.self)
        envoy__service__auth__v3__attribute_context__peer__init(out)
        if !p.address.isEmpty || p.port != 0 {
            let addr = a.make(Envoy__Config__Core__V3__Address.self)
            envoy__config__core__v3__address__init(addr)
            if p.address.hasPrefix("/"), p.port == 0 {
                let pipe = a.make(Envoy__Config__Core__V3__Pipe.self)
                envoy__config__core__v3__pipe__init(pipe)
                pipe.pointee.path = a.cString(p.address)
                addr.pointee.address_case = ENVOY__CONFIG__CORE__V3__ADDRESS__ADDRESS_PIPE
                addr.pointee.pipe = pipe
            } else {
                let sa = a.make(Envoy__Config__Core__V3__SocketAddress.self)
                envoy__config__core__v3__socket_address__init(sa)
                sa.pointee.address = a.cString(p.address)
                sa.pointee.port_specifier_case = ENVOY__CONFIG__CORE__V3__SOCKET_ADDRESS__PORT_SPECIFIER_PORT_VALUE
                sa.pointee.port_value = p.port
                addr.pointee.address_case = ENVOY__CONFIG__CORE__V3__ADDRESS__ADDRESS_SOCKET_ADDRESS
                addr.pointee.socket_address = sa
            }
            out.pointee.address = addr
        }
        out.pointee.service = a.cString(p.service)
        let labels = p.labels.sorted { $0.key < $1.key }
        out.pointee.n_labels = labels.count
        out.pointee.labels = entries(labels, a) { (e: UnsafeMutablePointer<Envoy__Service__Auth__V3__AttributeContext__Peer__LabelsEntry>, k, v) in
            envoy__service__auth__v3__attribute_context__peer__labels_entry__init(e)
            e.pointee.key = k
            e.pointee.value = v
        }
        out.pointee.principal = a.cString(p.principal)
        out.pointee.certificate = a.cString(p.certificate)
        return out
    }

    private func http(
        _ h: HTTPRequestInfo, _ form: HeaderForm, _ a: Arena
    ) -> UnsafeMutablePointer<Envoy__Service__Auth__V3__AttributeContext__HttpRequest> {
        let out = a.make(Envoy__Service__Auth__V3__AttributeContext__HttpRequest.self)
        envoy__service__auth__v3__attribute_context__http_request__init(out)
        out.pointee.id = a.cString(h.id)
        out.pointee.method = a.cString(h.method)
        out.pointee.path = a.cString(h.path)
        out.pointee.host = a.cString(h.host)
        out.pointee.scheme = a.cString(h.scheme)
        out.pointee.fragment = a.cString(h.fragment)
        out.pointee.size = h.size
        out.pointee.protocol = a.cString(h.protocol)
        out.pointee.body = a.cString(h.body)
        out.pointee.raw_body = a.binary(h.rawBody)
        switch form {
        case .map:
            var order: [String] = []
            var joined: [String: String] = [:]
            for f in h.headers {
                if let prev = joined[f.name] {
                    joined[f.name] = prev + "," + f.value
                } else {
                    joined[f.name] = f.value
                    order.append(f.name)
                }
            }
            let pairs = order.map { (key: $0, value: joined[$0]!) }
            out.pointee.n_headers = pairs.count
            out.pointee.headers = entries(pairs, a) { (e: UnsafeMutablePointer<Envoy__Service__Auth__V3__AttributeContext__HttpRequest__HeadersEntry>, k, v) in
                envoy__service__auth__v3__attribute_context__http_request__headers_entry__init(e)
                e.pointee.key = k
                e.pointee.value = v
            }
        case .rawHeaderMap, .headerMap:
            let map = a.make(Envoy__Config__Core__V3__HeaderMap.self)
            envoy__config__core__v3__header_map__init(map)
            let fields = h.headers.fields
            map.pointee.n_headers = fields.count
            if !fields.isEmpty {
                let list = a.makeArray(UnsafeMutablePointer<Envoy__Config__Core__V3__HeaderValue>?.self, count: fields.count)
                for (i, f) in fields.enumerated() {
                    let hv = a.make(Envoy__Config__Core__V3__HeaderValue.self)
                    envoy__config__core__v3__header_value__init(hv)
                    hv.pointee.key = a.cString(f.name)
                    if form == .rawHeaderMap {
                        hv.pointee.raw_value = a.binary(Array(f.value.utf8))
                    } else {
                        hv.pointee.value = a.cString(f.value)
                    }
                    list[i] = hv
                }
                map.pointee.headers = list
            }
            out.pointee.header_map = map
        }
        return out
    }

    private func metadata(_ m: [String: JSONValue], _ a: Arena) -> UnsafeMutablePointer<Envoy__Config__Core__V3__Metadata>? {
        guard !m.isEmpty else { return nil }
        let out = a.make(Envoy__Config__Core__V3__Metadata.self)
        envoy__config__core__v3__metadata__init(out)
        let keys = m.keys.sorted()
        out.pointee.n_filter_metadata = keys.count
        let list = a.makeArray(UnsafeMutablePointer<Envoy__Config__Core__V3__Metadata__FilterMetadataEntry>?.self, count: keys.count)
        for (i, k) in keys.enumerated() {
            let e = a.make(Envoy__Config__Core__V3__Metadata__FilterMetadataEntry.self)
            envoy__config__core__v3__metadata__filter_metadata_entry__init(e)
            e.pointee.key = a.cString(k)
            // filter_metadata values are Structs: a non-object value is wrapped as {"value": v}.
            if case .object(let fields) = m[k]! {
                e.pointee.value = StructConversion.cStruct(fields, a)
            } else {
                e.pointee.value = StructConversion.cStruct(["value": m[k]!], a)
            }
            list[i] = e
        }
        out.pointee.filter_metadata = list
        return out
    }
}

@available(*, unavailable, message: "an encoder belongs to one thread")
extension CheckRequestEncoder: Sendable {}
