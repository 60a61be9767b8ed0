import PortcullisIdentity
import PortcullisModel
@testable import PortcullisPolicy

/// A bundle with every kind of identity source, and tokens signed at test time.
enum IdentityFixture {
    static let key = try! SigningKey.generateRSA(bits: 2048)
    static let otherKey = try! SigningKey.generateRSA(bits: 2048)
    static let ecKey = try! SigningKey.generateEC(.p256)
    static let partnerKey = "pk_live_partner_one_0123456789"
    static let gateway = "spiffe://cluster.local/ns/istio-system/sa/gateway"

    static var jwks: String {
        let k = try! key.publicKey.jwk(kid: "k1", algorithm: .rs256)
        let e = try! ecKey.publicKey.jwk(kid: "ec1", algorithm: .es256)
        return JSONValue.object(["keys": .array([
            .object(k.mapValues(JSONValue.string)), .object(e.mapValues(JSONValue.string)),
        ])]).serialized()
    }

    static let identityYAML = """
        sources:
          users:
            kind: jwt
            issuer: https://idp.example
            audiences: [orders]
            jwks_file: keys/idp.jwks.json
            algorithms: [RS256, ES256]
            leeway: 30
          partners:
            kind: api_key
            header: x-api-key
            keys_file: keys/partners.json
          edge:
            kind: edge
            gateways: ["\(gateway)"]
          mesh:
            kind: envoy_jwt
        """

    static let policies = """
        - name: admin-api
          selector: {paths: ["/admin/{**}"]}
          identity: [users]
          rules:
            - name: admins
              action: allow
              when: ["identity.users.claims.role == 'admin'"]
              response: {set_headers: {x-user: identity.users.subject}}
        - name: partner-api
          selector: {paths: ["/partner/{**}"]}
          identity: [partners]
          rules:
            - name: reader
              action: allow
              when: ["'orders:read' in identity.partners.scopes"]
              response: {set_headers: {x-partner: identity.partners.owner}}
        - name: portal
          selector: {paths: ["/portal/{**}"]}
          rules:
            - name: edge-users
              action: allow
              when: ["has(identity.edge) && 'staff' in identity.edge.groups"]
              response: {set_headers: {x-user: identity.edge.user}}
            - name: mesh-users
              action: allow
              when: ["has(identity.mesh) && identity.mesh.sub == 'svc'"]
        """

    static func files(identity: String = identityYAML, policies: String = policies) -> [String: String] {
        [
            "manifest.yaml": "name: id\nrevision: r1\n",
            "identity.yaml": identity,
            "policies.yaml": policies,
            "keys/idp.jwks.json": jwks,
            "keys/partners.json": """
                [{"digest": "\(APIKeyStore.storedForm(of: partnerKey))", "owner": "partner-one", "scopes": ["orders:read"]}]
                """,
        ]
    }

    static func bundle() throws -> CompiledBundle {
        try BundleLoader.load(files: BundleFiles(files()))
    }

    static func token(
        claims extra: [String: JSONValue] = [:], alg: String = "RS256", kid: String? = "k1", signer: SigningKey? = nil,
        exp: Double? = nil, iss: String = "https://idp.example", aud: String = "orders"
    ) -> String {
        let now = SystemClock.now()
        var header: [String: JSONValue] = ["alg": .string(alg), "typ": .string("JWT")]
        if let kid { header["kid"] = .string(kid) }
        var claims: [String: JSONValue] = [
            "iss": .string(iss), "aud": .string(aud), "sub": .string("alice"), "iat": .number(now.rounded(.down)),
            "exp": .number((exp ?? now + 600).rounded(.down)),
        ]
        for (k, v) in extra { claims[k] = v }
        let input = Base64URL.encode(header.jsonText) + "." + Base64URL.encode(claims.jsonText)
        guard alg != "none" else { return input + "." }
        let algorithm = JWTAlgorithm(rawValue: alg) ?? .rs256
        let signature = try! (signer ?? key).sign(Array(input.utf8), algorithm: algorithm)
        return input + "." + Base64URL.encode(signature)
    }

    static func request(path: String, headers: [(String, String)] = [], source: String = "spiffe://cluster.local/ns/shop/sa/web")
        -> AuthzRequest
    {
        Fixture.request(method: "GET", path: path, headers: headers, source: source)
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    var jsonText: String { JSONValue.object(self).serialized() }
}
