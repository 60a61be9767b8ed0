/// A peer's principal with the parts of its SPIFFE ID: `spiffe://<trust domain>/ns/<namespace>/sa/<account>`.
struct PeerFacts: Sendable {
    var principal: String
    var trustDomain: String = ""
    var namespace: String = ""
    var serviceAccount: String = ""

    init(principal: String) {
        self.principal = principal
        guard principal.hasPrefix("spiffe://") else { return }
        let rest = principal.dropFirst("spiffe://".count)
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard let domain = parts.first, !domain.isEmpty else { return }
        trustDomain = String(domain)
        var i = 1
        while i + 1 < parts.count {
            switch parts[i] {
            case "ns": namespace = String(parts[i + 1])
            case "sa": serviceAccount = String(parts[i + 1])
            default: break
            }
            i += 2
        }
    }
}
