import CEL

/// The variables expressions can read. Names follow Envoy's attribute vocabulary where it has one.
enum Variable: Int, CaseIterable, Sendable {
    case requestMethod, requestPath, requestURLPath, requestQuery, requestQueryParams, requestHost, requestScheme
    case requestHeaders, requestTime, requestID, requestSize, requestProtocol, requestBody, requestFragment
    case requestRawBody, requestBodyError
    case sourceAddress, sourcePort, sourcePrincipal, sourceNamespace, sourceServiceAccount, sourceTrustDomain
    case destinationAddress, destinationPort, destinationPrincipal, destinationNamespace
    case destinationServiceAccount, destinationTrustDomain
    /// `namespace` is a reserved word in CEL, so `source.namespace` cannot be written: `source.ns` and
    /// `source["namespace"]` (the whole peer as a map) can.
    case sourceNS, destinationNS, sourceMap, destinationMap
    case connectionSNI, connectionRequestedServerName
    case contextExtensions, metadata, data, identity
    case policyName, ruleName

    var name: String {
        switch self {
        case .requestMethod: return "request.method"
        case .requestPath: return "request.path"
        case .requestURLPath: return "request.url_path"
        case .requestQuery: return "request.query"
        case .requestQueryParams: return "request.query_params"
        case .requestHost: return "request.host"
        case .requestScheme: return "request.scheme"
        case .requestHeaders: return "request.headers"
        case .requestTime: return "request.time"
        case .requestID: return "request.id"
        case .requestSize: return "request.size"
        case .requestProtocol: return "request.protocol"
        case .requestBody: return "request.body"
        case .requestFragment: return "request.fragment"
        case .requestRawBody: return "request.raw_body"
        case .requestBodyError: return "request.body_error"
        case .sourceAddress: return "source.address"
        case .sourcePort: return "source.port"
        case .sourcePrincipal: return "source.principal"
        case .sourceNamespace: return "source.namespace"
        case .sourceServiceAccount: return "source.service_account"
        case .sourceTrustDomain: return "source.trust_domain"
        case .destinationAddress: return "destination.address"
        case .destinationPort: return "destination.port"
        case .destinationPrincipal: return "destination.principal"
        case .destinationNamespace: return "destination.namespace"
        case .destinationServiceAccount: return "destination.service_account"
        case .destinationTrustDomain: return "destination.trust_domain"
        case .sourceNS: return "source.ns"
        case .destinationNS: return "destination.ns"
        case .sourceMap: return "source"
        case .destinationMap: return "destination"
        case .connectionSNI: return "connection.sni"
        case .connectionRequestedServerName: return "connection.requested_server_name"
        case .contextExtensions: return "context_extensions"
        case .metadata: return "metadata"
        case .data: return "data"
        case .identity: return "identity"
        case .policyName: return "policy.name"
        case .ruleName: return "rule.name"
        }
    }

    var type: CELType {
        switch self {
        case .requestHeaders, .requestQueryParams, .contextExtensions: return .map(.string, .string)
        case .requestTime: return .timestamp
        case .requestBody: return .dyn
        case .requestSize, .sourcePort, .destinationPort: return .int
        case .metadata, .data, .identity: return .dyn
        case .sourceMap, .destinationMap: return .map(.string, .dyn)
        default: return .string
        }
    }
}

/// The CEL environment of a bundle, with the variable behind every slot.
struct VariableTable: Sendable {
    let environment: CELEnvironment
    /// Indexed by slot.
    let variables: [Variable?]

    /// `data` is the bundle's data: bound as a constant, so expressions are compiled with it folded in
    /// (`request.headers['x-tenant'] in data.tenants.active` tests a constant set).
    init(limits: CELLimits = CELLimits(), data: CELValue? = nil) {
        var env = CELEnvironment(limits: limits)
        var bySlot: [Int: Variable] = [:]
        for v in Variable.allCases {
            if v == .data, let data {
                bySlot[env.bind(v.name, v.type, constant: data)] = v
            } else {
                bySlot[env.declare(v.name, v.type)] = v
            }
        }
        let count = (bySlot.keys.max() ?? -1) + 1
        variables = (0..<count).map { bySlot[$0] }
        environment = env
    }
}
