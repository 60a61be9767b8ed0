import CEL
import CELSupport
import PortcullisModel

/// Binds the variables of one request, computing each only when an expression first reads it.
/// Used by one decision on one thread, with no overlapping accesses: its stored properties skip the run-time
/// exclusivity checks (a `swift_beginAccess` call on every read of a variable otherwise).
final class RequestActivation: RequestFacts, CELActivation {
    /// The request facts are this object itself (one allocation per decision for both).
    var facts: RequestFacts { self }
    /// The variable behind each slot (the bundle's `VariableTable.variables`).
    private let variables: [Variable?]
    private let data: CELValue
    /// Per slot: nil = not computed yet; .some(nil) = unbound. Only variables that cost an allocation to build
    /// are cached (the rest wrap a string or number the request already holds); allocated on the first such read.
    @exclusivity(unchecked) private var cache: [CELValue??] = []
    /// Set by the evaluator around response expressions.
    @exclusivity(unchecked) var policyName: String = ""
    @exclusivity(unchecked) var ruleName: String = ""
    /// The identity layer's outputs; an empty map when it supplied none.
    @exclusivity(unchecked) var identity: CELValue?
    /// The request body, parsed when a rule first reads it (see Body/).
    var body = RequestBodyState()

    init(request: AuthzRequest, table: VariableTable, data: CELValue) {
        self.variables = table.variables
        self.data = data
        super.init(request)
    }

    convenience init(facts: RequestFacts, table: VariableTable, data: CELValue) {
        self.init(request: facts.request, table: table, data: data)
    }

    func value(forSlot slot: Int) -> CELValue? {
        guard slot >= 0, slot < variables.count, let variable = variables[slot] else { return nil }
        switch variable {
        case .policyName: return .string(policyName)
        case .ruleName: return .string(ruleName)
        case .requestBodyError: return .string(bodyErrorText)
        case .data: return data
        case .requestURLPath, .requestQuery, .requestQueryParams, .requestHeaders, .requestTime, .requestBody,
            .requestRawBody, .sourceMap, .destinationMap, .contextExtensions, .metadata:
            if cache.isEmpty { cache = Array(repeating: nil, count: variables.count) }
            if let known = cache[slot] { return known }
            let value = compute(variable)
            cache[slot] = .some(value)
            return value
        default:
            return compute(variable)
        }
    }

    /// `request.headers["name"]` without building the header map: the values of every field of that name, joined
    /// with "," in order, as the map would hold them (names are lower-cased by the codec and by `RequestDocument`).
    func entry(forSlot slot: Int, key: String) -> CELValue?? {
        guard slot >= 0, slot < variables.count, variables[slot] == .requestHeaders,
            facts.hasHTTP, cache.isEmpty || cache[slot] == nil
        else { return nil }
        var found: String?
        let count = key.utf8.count
        StringBytes.withBytes(key) { key in
            headerFields.withUnsafeBufferPointer { fields in
                for i in fields.indices where fields[i].name.utf8.count == count {
                    guard StringBytes.withBytes(fields[i].name, { StringBytes.same($0, 0, key) }) else { continue }
                    if let previous = found { found = previous + "," + fields[i].value } else { found = fields[i].value }
                }
            }
        }
        return .some(found.map(CELValue.string))
    }

    private static func peer(_ info: PeerInfo, _ facts: PeerFacts) -> CELValue {
        .map(
            CELMap([
                (CELValue.string("address"), CELValue.string(info.address)),
                (.string("port"), .int(Int64(info.port))),
                (.string("principal"), .string(info.principal)),
                (.string("namespace"), .string(facts.namespace)),
                (.string("service_account"), .string(facts.serviceAccount)),
                (.string("trust_domain"), .string(facts.trustDomain)),
            ]))
    }

    private func compute(_ variable: Variable) -> CELValue? {
        let request = facts.request
        // Fields are read through the request (borrowed); binding `request.http` to a constant would copy it.
        switch variable {
        case .requestMethod: return request.httpMethod.map(CELValue.string)
        case .requestPath: return request.httpPath.map(CELValue.string)
        case .requestURLPath: return facts.hasHTTP ? .string(String(facts.urlPath)) : nil
        case .requestQuery: return (request.http?.query).map { .string(String($0)) }
        case .requestQueryParams: return (request.http?.query).map { .map(QueryString.parameters(String($0))) }
        case .requestHost: return request.httpHost.map(CELValue.string)
        case .requestScheme: return (request.http?.scheme).map(CELValue.string)
        case .requestHeaders:
            guard facts.hasHTTP else { return nil }
            return .map(CELMap(joining: facts.headerFields.lazy.map { ($0.name, $0.value) }, separator: ","))
        case .requestTime:
            return request.time.flatMap { Self.timestamp($0) }
        case .requestID: return (request.http?.id).map(CELValue.string)
        case .requestSize: return (request.http?.size).map(CELValue.int)
        case .requestProtocol: return (request.http?.protocol).map(CELValue.string)
        case .requestBody: return facts.hasHTTP ? bodyVariable() : nil
        case .requestRawBody: return rawBodyVariable()
        case .requestBodyError: return nil
        case .requestFragment: return (request.http?.fragment).map(CELValue.string)
        case .sourceAddress: return .string(request.source.address)
        case .sourcePort: return .int(Int64(request.source.port))
        case .sourcePrincipal: return .string(request.source.principal)
        case .sourceNamespace, .sourceNS: return .string(facts.string(.sourceNamespace))
        case .sourceMap: return Self.peer(request.source, facts.source)
        case .destinationMap: return Self.peer(request.destination, facts.destination)
        case .destinationNS: return .string(facts.string(.destinationNamespace))
        case .sourceServiceAccount: return .string(facts.string(.sourceServiceAccount))
        case .sourceTrustDomain: return .string(facts.string(.sourceTrustDomain))
        case .destinationAddress: return .string(request.destination.address)
        case .destinationPort: return .int(Int64(request.destination.port))
        case .destinationPrincipal: return .string(request.destination.principal)
        case .destinationNamespace: return .string(facts.string(.destinationNamespace))
        case .destinationServiceAccount: return .string(facts.string(.destinationServiceAccount))
        case .destinationTrustDomain: return .string(PeerParts.text(facts.destinationPrincipal, facts.destinationParts.trustDomain))
        case .connectionSNI, .connectionRequestedServerName: return .string(request.sni)
        case .contextExtensions: return .map(CELMap(request.contextExtensions.mapValues { CELValue.string($0) }))
        case .metadata: return .map(CELMap(request.metadataContext.mapValues { DataValue.cel($0) }))
        case .identity: return identity ?? .map(CELMap([(CELValue, CELValue)]()))
        case .data, .policyName, .ruleName: return nil
        }
    }
}
