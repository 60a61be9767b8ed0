import PortcullisModel
import PortcullisPolicy

/// A bundle of `ruleCount` allow rules in one policy, each for its own caller, path prefix and tenant header.
enum GeneratedBundle {
    static let manifest = """
        name: generated
        revision: "1"
        description: Generated for benchmarks.
        default: deny

        """

    static func files(ruleCount: Int) -> BundleFiles {
        var policy = """
            name: generated
            selector:
              namespaces: [orders]
            rules:

            """
        policy.reserveCapacity(ruleCount * 330)
        for i in 0..<ruleCount {
            policy += """
                  - name: rule-\(i)
                    action: allow
                    from:
                      - source:
                          principals: ["spiffe://cluster.local/ns/team\(i)/sa/client\(i)"]
                    to:
                      - operation:
                          methods: [GET, POST]
                          paths: ["/svc\(i)/items/{*}"]
                    when:
                      - request.headers['x-tenant'] == 'tenant\(i)'

                """
        }
        return BundleFiles(["manifest.yaml": manifest, "generated.yaml": policy])
    }

    /// A request that the last rule (`rule-(ruleCount-1)`) allows: the worst case for a linear scan.
    static func request(forRule i: Int) throws -> AuthzRequest {
        let json = """
            {"method": "GET", "path": "/svc\(i)/items/42", "headers": {"x-tenant": "tenant\(i)"},
             "source": {"principal": "spiffe://cluster.local/ns/team\(i)/sa/client\(i)", "address": "10.1.0.5"},
             "destination": {"principal": "spiffe://cluster.local/ns/orders/sa/orders-api"}}
            """
        return try RequestDocument.parse(Array(json.utf8))
    }
}
