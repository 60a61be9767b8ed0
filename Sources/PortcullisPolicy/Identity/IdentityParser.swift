import JSONSchema
import PortcullisIdentity
import PortcullisModel
import Yams

/// Reads `identity.yaml` and compiles its sources: keys and key stores are parsed here, once.
/// Every problem is a diagnostic at its file:line:column; a bundle with one is refused whole.
struct IdentityParser {
    let reader: NodeReader
    let files: BundleFiles

    static let kinds = ["jwt", "api_key", "edge", "envoy_jwt", "workload"]
    static let fieldsByKind: [String: [String]] = [
        "jwt": [
            "issuer", "issuers", "audiences", "jwks_file", "jwks_url", "algorithms", "leeway", "hmac_secret_file",
            "header", "cookie", "query", "require_expiry", "refresh_interval", "min_refresh_interval", "cache_size",
        ],
        "api_key": ["header", "query", "keys_file"],
        "edge": ["gateways", "user_header", "groups_header"],
        "envoy_jwt": ["namespace", "key"],
        "workload": [],
    ]
    static let allFields = ["kind", "description"] + Array(Set(fieldsByKind.values.joined())).sorted()

    /// The sources with where each name was written.
    func sources(_ documents: [Node]) -> [Located<IdentitySource>] {
        guard documents.count == 1, let node = documents.first else {
            reader.sink.error("identity.yaml must hold exactly one YAML document", file: reader.file)
            return []
        }
        guard let top = reader.mapping(node, what: "identity.yaml", allowed: ["sources"]) else { return [] }
        guard let list = top["sources"] else {
            reader.sink.error("identity.yaml has no \"sources\"", at: reader.location(node))
            return []
        }
        guard case .mapping(let mapping) = list.value else {
            reader.sink.error("sources must be a mapping of source names to sources, not \(reader.typeName(list.value))",
                              at: reader.location(list.value))
            return []
        }
        var out: [Located<IdentitySource>] = []
        var seen = Set<String>()
        for (key, value) in mapping {
            guard let name = reader.nonEmptyString(key, what: "a source name") else { continue }
            guard Self.isValidName(name.value) else {
                reader.sink.error(
                    "source name \(String(reflecting: name.value)) must be letters, digits and _ (it is read as identity.\(name.value) in expressions)",
                    at: name.location)
                continue
            }
            guard seen.insert(name.value).inserted else {
                reader.sink.error("source \(String(reflecting: name.value)) is declared twice", at: name.location)
                continue
            }
            if let source = source(name.value, value) { out.append(Located(value: source, location: name.location)) }
        }
        return out
    }

    /// A CEL identifier, so that `identity.<name>` parses.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    private func source(_ name: String, _ node: Node) -> IdentitySource? {
        let what = "source \(name)"
        guard let fields = reader.mapping(node, what: what, allowed: Self.allFields) else { return nil }
        guard let kindNode = fields["kind"] else {
            reader.sink.error("\(what) has no \"kind\" (one of \(Self.kinds.joined(separator: ", ")))", at: reader.location(node))
            return nil
        }
        guard let kind = reader.nonEmptyString(kindNode.value, what: "kind") else { return nil }
        guard let allowed = Self.fieldsByKind[kind.value] else {
            var message = "unknown source kind \(String(reflecting: kind.value)) (one of \(Self.kinds.joined(separator: ", ")))"
            if let s = Spelling.suggest(kind.value, among: Self.kinds) { message += " (did you mean \"\(s)\"?)" }
            reader.sink.error(message, at: kind.location)
            return nil
        }
        var ok = true
        for (field, pair) in fields where field != "kind" && field != "description" && !allowed.contains(field) {
            reader.sink.error("field \(String(reflecting: field)) does not apply to a \(kind.value) source", at: reader.location(pair.key))
            ok = false
        }
        guard ok else { return nil }
        let f = fields.mapValues(\.value)
        let compiled: IdentitySource.Kind?
        switch kind.value {
        case "jwt": compiled = jwt(what, f, at: node)
        case "api_key": compiled = apiKey(what, f, at: node)
        case "edge": compiled = edge(what, f, at: node)
        case "envoy_jwt":
            let namespace = f["namespace"].flatMap { reader.nonEmptyString($0, what: "namespace")?.value }
            let key = f["key"].flatMap { reader.nonEmptyString($0, what: "key")?.value }
            compiled = .envoyJWT(EnvoyJWTMetadata(namespace: namespace ?? EnvoyJWTMetadata.defaultNamespace, key: key))
        default: compiled = .workload
        }
        return compiled.map { IdentitySource(name: name, kind: $0) }
    }

    // MARK: Credentials in the request

    /// At most one of `header`, `cookie`, `query` (only `header`/`query` for API keys); nil: `fallback`.
    private func tokenSource(_ what: String, _ f: [String: Node], at node: Node, fallback: TokenSource?) -> TokenSource?? {
        var found: [TokenSource] = []
        var ok = true
        for field in ["header", "cookie", "query"] {
            guard let n = f[field] else { continue }
            guard let v = reader.nonEmptyString(n, what: field) else {
                ok = false
                continue
            }
            switch field {
            case "header": found.append(v.value.lowercased() == "authorization" ? .authorizationBearer : .header(v.value.lowercased()))
            case "cookie": found.append(.cookie(v.value))
            default: found.append(.query(v.value))
            }
        }
        guard ok else { return .none }
        if found.count > 1 {
            reader.sink.error("\(what) may read its credential from one place: header, cookie or query", at: reader.location(node))
            return .none
        }
        if let only = found.first { return .some(only) }
        guard let fallback else {
            reader.sink.error("\(what) needs \"header\" or \"query\": where the key is read from", at: reader.location(node))
            return .none
        }
        return .some(fallback)
    }

    // MARK: Bundle files

    private func file(_ node: Node, what: String) -> (Located<String>, [UInt8])? {
        guard let path = reader.nonEmptyString(node, what: what) else { return nil }
        guard let bytes = files[path.value] else {
            reader.sink.error("\(what) \(String(reflecting: path.value)): no such file in the bundle", at: path.location)
            return nil
        }
        return (path, bytes)
    }

    // MARK: Kinds

    private func jwt(_ what: String, _ f: [String: Node], at node: Node) -> IdentitySource.Kind? {
        guard case .some(let from?) = tokenSource(what, f, at: node, fallback: .authorizationBearer) else { return nil }
        var validation = JWTValidation()
        var ok = true
        if f["issuer"] != nil, f["issuers"] != nil {
            reader.sink.error("\(what): give \"issuer\" or \"issuers\", not both", at: reader.location(node))
            ok = false
        }
        if let n = f["issuer"] {
            if let s = reader.nonEmptyString(n, what: "issuer") { validation.issuers = [s.value] } else { ok = false }
        } else if let n = f["issuers"] {
            if let l = reader.stringList(n, what: "issuers") { validation.issuers = Set(l.map(\.value)) } else { ok = false }
        } else {
            reader.sink.error("\(what) has no \"issuer\": tokens of any issuer would be accepted", at: reader.location(node))
            ok = false
        }
        if let n = f["audiences"] {
            if let l = reader.stringList(n, what: "audiences") { validation.audiences = Set(l.map(\.value)) } else { ok = false }
        } else {
            reader.sink.error("\(what) has no \"audiences\": tokens for any audience would be accepted", at: reader.location(node))
            ok = false
        }
        if let n = f["leeway"] {
            if let v = reader.int(n, what: "leeway (seconds)", range: 0...3600) { validation.leeway = Double(v.value) } else { ok = false }
        }
        if let n = f["require_expiry"] {
            if let b = reader.bool(n, what: "require_expiry") { validation.requireExpiry = b } else { ok = false }
        }
        var wantsHMAC = false
        if let n = f["algorithms"] {
            guard let names = reader.stringList(n, what: "algorithms") else { return nil }
            var algs = Set<JWTAlgorithm>()
            for name in names {
                guard let alg = JWTAlgorithm(rawValue: name.value) else {
                    let known = JWTAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
                    reader.sink.error("unknown algorithm \(String(reflecting: name.value)) (one of \(known); none is never accepted)", at: name.location)
                    ok = false
                    continue
                }
                if alg.isSymmetric { wantsHMAC = true } else { algs.insert(alg) }
            }
            validation.algorithms = algs
        }
        var secret: [UInt8]?
        if let n = f["hmac_secret_file"] {
            if let (path, bytes) = file(n, what: "hmac_secret_file") {
                var trimmed = bytes
                while let last = trimmed.last, last == 0x0A || last == 0x0D { trimmed.removeLast() }
                if trimmed.count < 32 {
                    reader.sink.error("hmac_secret_file \(String(reflecting: path.value)): the secret must be at least 32 bytes", at: path.location)
                    ok = false
                } else {
                    secret = trimmed
                }
            } else {
                ok = false
            }
        } else if wantsHMAC {
            reader.sink.error("\(what): HS256/384/512 need \"hmac_secret_file\" (a shared secret)", at: reader.location(node))
            ok = false
        }
        var cacheSize = 10_000
        if let n = f["cache_size"] {
            if let v = reader.int(n, what: "cache_size", range: 0...10_000_000) { cacheSize = v.value } else { ok = false }
        }
        var refresh = 300
        if let n = f["refresh_interval"] {
            if let v = reader.int(n, what: "refresh_interval (seconds)", range: 30...86_400) { refresh = v.value } else { ok = false }
        }
        var minRefresh = 30
        if let n = f["min_refresh_interval"] {
            if let v = reader.int(n, what: "min_refresh_interval (seconds)", range: 1...3600) { minRefresh = v.value } else { ok = false }
        }
        var keys: (any JWKSProvider)?
        var remote: RemoteJWKSProvider?
        switch (f["jwks_file"], f["jwks_url"]) {
        case (_?, _?):
            reader.sink.error("\(what): give \"jwks_file\" or \"jwks_url\", not both", at: reader.location(node))
            ok = false
        case (let n?, nil):
            if let (path, bytes) = file(n, what: "jwks_file") {
                do {
                    let set = try JWKSet(json: bytes)
                    if set.keys.isEmpty {
                        reader.sink.error("jwks_file \(String(reflecting: path.value)) has no usable keys"
                            + (set.skipped.isEmpty ? "" : " (\(set.skipped.joined(separator: "; ")))"), at: path.location)
                        ok = false
                    }
                    keys = StaticJWKSProvider(set)
                } catch {
                    reader.sink.error("jwks_file \(String(reflecting: path.value)): \(error)", at: path.location)
                    ok = false
                }
            } else {
                ok = false
            }
        case (nil, let n?):
            guard let url = reader.nonEmptyString(n, what: "jwks_url") else { return nil }
            let lower = url.value.lowercased()
            let loopback = ["http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/", "http://[::1]"]
            let allowHTTP = loopback.contains { lower.hasPrefix($0) }
            guard lower.hasPrefix("https://") || allowHTTP else {
                reader.sink.error("jwks_url must be https (plain http only to 127.0.0.1 or localhost)", at: url.location)
                return nil
            }
            let provider = RemoteJWKSProvider(
                url: url.value,
                configuration: .init(
                    refreshInterval: Double(refresh), minimumRefreshInterval: Double(min(minRefresh, refresh)),
                    retryInterval: Double(min(5, minRefresh))),
                fetcher: HTTPJWKSFetcher.make(timeout: 5, allowHTTP: allowHTTP))
            keys = provider
            remote = provider
        case (nil, nil):
            if secret == nil {
                reader.sink.error("\(what) needs \"jwks_file\", \"jwks_url\" or \"hmac_secret_file\"", at: reader.location(node))
                ok = false
            }
            keys = StaticJWKSProvider(.empty)
        }
        guard ok, let keys else { return nil }
        // Verified tokens are cached (by digest, until exp + leeway) as the identity value built from them, in front
        // of the verifier; the verifier's own VerifiedTokenCache would only hold the same tokens a second time.
        let verifier = JWTVerifier(keys: keys, hmacSecret: secret, validation: validation, cache: nil)
        return .jwt(verifier, from: from, remote: remote, cache: cacheSize > 0 ? IdentityValueCache(capacity: cacheSize) : nil)
    }

    private func apiKey(_ what: String, _ f: [String: Node], at node: Node) -> IdentitySource.Kind? {
        if f["cookie"] != nil {
            reader.sink.error("\(what): API keys are read from a header or a query parameter", at: reader.location(node))
            return nil
        }
        guard case .some(let from?) = tokenSource(what, f, at: node, fallback: nil) else { return nil }
        guard let n = f["keys_file"] else {
            reader.sink.error("\(what) has no \"keys_file\" (SHA-256 digests of the keys; see `portcullis apikey hash`)", at: reader.location(node))
            return nil
        }
        guard let (path, bytes) = file(n, what: "keys_file") else { return nil }
        let json: JSONValue
        do {
            json = try JSONParser(limits: JSONParseLimits(maxBytes: max(bytes.count, 1), maxDepth: 16)).parse(bytes)
        } catch {
            reader.sink.error("keys_file \(String(reflecting: path.value)): \(error)", at: path.location)
            return nil
        }
        do {
            return .apiKey(try APIKeyStore(json: json), from: from, cache: IdentityValueCache(capacity: 10_000))
        } catch {
            reader.sink.error("keys_file \(String(reflecting: path.value)): \(error)", at: path.location)
            return nil
        }
    }

    private func edge(_ what: String, _ f: [String: Node], at node: Node) -> IdentitySource.Kind? {
        guard let g = f["gateways"] else {
            reader.sink.error("\(what) has no \"gateways\": the principals whose headers are believed", at: reader.location(node))
            return nil
        }
        guard let gateways = reader.stringList(g, what: "gateways") else { return nil }
        let user = f["user_header"].flatMap { reader.nonEmptyString($0, what: "user_header")?.value.lowercased() } ?? "x-authenticated-user"
        let groups = f["groups_header"].flatMap { reader.nonEmptyString($0, what: "groups_header")?.value.lowercased() } ?? "x-authenticated-groups"
        let edge = EdgeIdentityHeaders(trustedPrincipals: gateways.map(\.value), headers: [user, groups])
        return .edge(edge, userHeader: user, groupsHeader: groups)
    }
}
