import CEL
import PortcullisIdentity
import PortcullisModel

extension IdentitySource {
    static let userKey = CELValue.string("user")
    static let groupsKey = CELValue.string("groups")

    /// An edge source whose headers are its user and groups headers (as `identity.yaml` declares it): both read
    /// in one pass over the fields, each as `HTTPHeaders[name]` reads it (repeated values joined with ","), and
    /// nothing built for a request that is not from a gateway but the list of headers to remove.
    /// The same outcomes as `EdgeIdentityHeaders.evaluate`, then `resolve`, without the dictionary between them.
    func resolveEdge(
        _ edge: EdgeIdentityHeaders, user userHeader: String, groups groupsHeader: String, request: AuthzRequest,
        fields: [HTTPHeaders.Field]
    ) -> IdentitySourceOutcome {
        var user: String?
        var groups: String?
        for i in fields.indices {
            let name = fields[i].name
            if HTTPHeaders.same(name, userHeader) {
                user = user.map { $0 + "," + fields[i].value } ?? fields[i].value
            } else if HTTPHeaders.same(name, groupsHeader) {
                groups = groups.map { $0 + "," + fields[i].value } ?? fields[i].value
            }
        }
        guard user != nil || groups != nil else { return .absent }
        guard edge.isTrusted(principal: request.source.principal) else {
            var present: [String] = []
            if user != nil { present.append(userHeader) }
            if groups != nil { present.append(groupsHeader) }
            return .spoofed(headers: present, principal: request.source.principal)
        }
        guard let user, !user.isEmpty else { return .absent }
        let list = groups.map(EdgeIdentityHeaders.list) ?? []
        // Keys in sorted order, as a map built from a dictionary has them.
        return .present(IdentityOutput(.map(CELMap([
            (Self.groupsKey, .list(list.map(CELValue.string))), (Self.userKey, .string(user)),
        ]))))
    }
}
