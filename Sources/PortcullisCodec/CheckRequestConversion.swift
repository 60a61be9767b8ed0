import CEnvoyProto
import PortcullisModel

/// protobuf-c `CheckRequest` structs to model values. Input-derived pointers are all optional
/// and checked; nesting depth was bounded by `NestingGuard` before unpacking.
enum CheckRequestConversion {
    typealias CAttributes = Envoy__Service__Auth__V3__AttributeContext
    typealias CPeer = Envoy__Service__Auth__V3__AttributeContext__Peer
    typealias CHTTP = Envoy__Service__Auth__V3__AttributeContext__HttpRequest

    static func request(_ attrs: UnsafeMutablePointer<CAttributes>?) -> AuthzRequest {
        var r = AuthzRequest()
        guard let a = attrs?.pointee else { return r }
        r.source = peer(a.source)
        r.destination = peer(a.destination)
        if let req = a.request?.pointee {
            if let t = req.time?.pointee {
                r.time = Timestamp(seconds: t.seconds, nanos: t.nanos)
            }
            if let h = req.http {
                r.http = http(h.pointee)
            }
        }
        r.contextExtensions = stringMap(a.n_context_extensions, a.context_extensions) { ($0.key, $0.value) }
        r.metadataContext = metadata(a.metadata_context)
        r.routeMetadataContext = metadata(a.route_metadata_context)
        r.sni = string(a.tls_session?.pointee.sni)
        return r
    }

    @inline(__always)
    static func string(_ p: UnsafeMutablePointer<CChar>?) -> String {
        guard let p, p.pointee != 0 else { return "" }
        return String(cString: p)
    }

    static func stringMap<E>(
        _ n: Int, _ entries: UnsafeMutablePointer<UnsafeMutablePointer<E>?>?,
        _ kv: (E) -> (UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?)
    ) -> [String: String] {
        guard n > 0, let entries else { return [:] }
        var out: [String: String] = [:]
        out.reserveCapacity(n)
        for i in 0..<n {
            guard let e = entries[i]?.pointee else { continue }
            let (k, v) = kv(e)
            out[string(k)] = string(v)
        }
        return out
    }

    static func peer(_ p: UnsafeMutablePointer<CPeer>?) -> PeerInfo {
        var out = PeerInfo()
        guard let p = p?.pointee else { return out }
        if let addr = p.address?.pointee {
            if addr.address_case == ENVOY__CONFIG__CORE__V3__ADDRESS__ADDRESS_SOCKET_ADDRESS,
               let sa = addr.socket_address?.pointee
            {
                out.address = string(sa.address)
                if sa.port_specifier_case == ENVOY__CONFIG__CORE__V3__SOCKET_ADDRESS__PORT_SPECIFIER_PORT_VALUE {
                    out.port = sa.port_value
                }
            } else if addr.address_case == ENVOY__CONFIG__CORE__V3__ADDRESS__ADDRESS_PIPE, let pipe = addr.pipe?.pointee {
                out.address = string(pipe.path)
            } else if addr.address_case == ENVOY__CONFIG__CORE__V3__ADDRESS__ADDRESS_ENVOY_INTERNAL_ADDRESS,
                      let ia = addr.envoy_internal_address?.pointee,
                      ia.address_name_specifier_case
                        == ENVOY__CONFIG__CORE__V3__ENVOY_INTERNAL_ADDRESS__ADDRESS_NAME_SPECIFIER_SERVER_LISTENER_NAME
            {
                out.address = string(ia.server_listener_name)
            }
        }
        out.service = string(p.service)
        out.labels = stringMap(p.n_labels, p.labels) { ($0.key, $0.value) }
        out.principal = string(p.principal)
        out.certificate = string(p.certificate)
        return out
    }

    static func http(_ h: CHTTP) -> HTTPRequestInfo {
        var out = HTTPRequestInfo(
            id: string(h.id), method: string(h.method), path: string(h.path), host: string(h.host),
            scheme: string(h.scheme), protocol: string(h.protocol), fragment: string(h.fragment),
            body: string(h.body), size: h.size
        )
        // Envoy leaves `query` empty and sends it in `path`; fold a separate one in.
        let query = string(h.query)
        if !query.isEmpty, !out.path.contains("?") { out.path += "?" + query }
        if h.raw_body.len > 0, let data = h.raw_body.data {
            out.rawBody = Array(UnsafeBufferPointer(start: data, count: h.raw_body.len))
        }
        var headers = HTTPHeaders()
        if let map = h.header_map?.pointee, map.n_headers > 0, let list = map.headers {
            headers.reserveCapacity(map.n_headers)
            for i in 0..<map.n_headers {
                guard let hv = list[i]?.pointee else { continue }
                var value = string(hv.value)
                if value.isEmpty, hv.raw_value.len > 0, let data = hv.raw_value.data {
                    value = String(decoding: UnsafeBufferPointer(start: data, count: hv.raw_value.len), as: UTF8.self)
                }
                headers.add(string(hv.key), value)
            }
        } else if h.n_headers > 0, let list = h.headers {
            headers.reserveCapacity(h.n_headers)
            for i in 0..<h.n_headers {
                guard let e = list[i]?.pointee else { continue }
                headers.add(string(e.key), string(e.value))
            }
        }
        out.headers = headers
        return out
    }

    static func metadata(_ m: UnsafeMutablePointer<Envoy__Config__Core__V3__Metadata>?) -> [String: JSONValue] {
        guard let m = m?.pointee, m.n_filter_metadata > 0, let entries = m.filter_metadata else { return [:] }
        var out: [String: JSONValue] = [:]
        for i in 0..<m.n_filter_metadata {
            guard let e = entries[i]?.pointee else { continue }
            out[string(e.key)] = StructConversion.json(e.value)
        }
        return out
    }
}
