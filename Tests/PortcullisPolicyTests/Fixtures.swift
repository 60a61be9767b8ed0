import PortcullisModel
@testable import PortcullisPolicy

/// Builds bundles and requests for tests.
enum Fixture {
    static let manifest = "name: test\nrevision: r1\n"

    static func bundle(_ policies: String, files extra: [String: String] = [:], manifest: String = manifest) throws -> CompiledBundle {
        var files = ["manifest.yaml": manifest, "policies.yaml": policies]
        for (k, v) in extra { files[k] = v }
        return try BundleLoader.load(files: BundleFiles(files))
    }

    /// One policy `p` with one allow rule `r` whose only `when` condition is `condition` (written in double
    /// quotes, so it may hold single-quoted strings).
    static func conditionBundle(_ condition: String, files extra: [String: String] = [:]) throws -> CompiledBundle {
        try bundle(
            """
            name: p
            rules:
              - name: r
                action: allow
                when:
                  - "\(condition)"
            """, files: extra)
    }

    /// The diagnostics of a bundle that must fail to load.
    static func diagnostics(_ files: [String: String], limits: BundleLimits = BundleLimits()) -> [Diagnostic] {
        do {
            _ = try BundleLoader.load(files: BundleFiles(files), limits: limits)
            return []
        } catch {
            return error.diagnostics
        }
    }

    static func request(
        method: String = "GET", path: String = "/", host: String = "shop.example.com", headers: [(String, String)] = [],
        source: String = "", sourceAddress: String = "10.1.2.3", destination: String = "", port: UInt32 = 8080,
        contextExtensions: [String: String] = [:], id: String = "req-1", body: String = ""
    ) -> AuthzRequest {
        AuthzRequest(
            source: PeerInfo(address: sourceAddress, port: 50000, principal: source),
            destination: PeerInfo(address: "10.9.9.9", port: port, principal: destination),
            http: HTTPRequestInfo(
                id: id, method: method, path: path, host: host, scheme: "https", protocol: "HTTP/1.1",
                headers: HTTPHeaders(headers), body: body, size: Int64(body.utf8.count)),
            contextExtensions: contextExtensions)
    }
}
