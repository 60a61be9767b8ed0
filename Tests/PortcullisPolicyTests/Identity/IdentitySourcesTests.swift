import PortcullisIdentity
import PortcullisModel
import Testing

@testable import PortcullisPolicy

@Suite struct JWTIdentitySourceTests {
    let bundle = try! IdentityFixture.bundle()

    func admin(_ token: String) -> Decision {
        bundle.decide(IdentityFixture.request(path: "/admin/users", headers: [("authorization", "Bearer " + token)]))
    }

    @Test func aValidTokenIsReadableByRules() {
        let d = admin(IdentityFixture.token(claims: ["role": .string("admin")]))
        #expect(d.allowed)
        #expect(d.headers == [HeaderMutation(name: "x-user", value: "alice")])
        #expect(d.dynamicMetadata["identity"] == .array([.string("users")]))
    }

    @Test func aValidTokenWithoutTheRoleIsForbiddenNotUnauthenticated() {
        let d = admin(IdentityFixture.token(claims: ["role": .string("viewer")]))
        #expect(!d.allowed)
        #expect(d.httpStatus == 403)
    }

    @Test func anEC256TokenVerifiesWithItsKey() {
        let d = admin(IdentityFixture.token(claims: ["role": .string("admin")], alg: "ES256", kid: "ec1", signer: IdentityFixture.ecKey))
        #expect(d.allowed)
    }

    @Test(arguments: [
        ("expired", IdentityFixture.token(claims: ["role": .string("admin")], exp: SystemClock.now() - 3600), "token expired"),
        ("wrong audience", IdentityFixture.token(claims: ["role": .string("admin")], aud: "billing"), "audience not accepted"),
        ("wrong issuer", IdentityFixture.token(claims: ["role": .string("admin")], iss: "https://evil.example"), "issuer not accepted"),
        ("other key", IdentityFixture.token(claims: ["role": .string("admin")], signer: IdentityFixture.otherKey), "invalid signature"),
        ("alg none", IdentityFixture.token(claims: ["role": .string("admin")], alg: "none"), "unsigned tokens (alg none) are not accepted"),
        ("unknown kid", IdentityFixture.token(claims: ["role": .string("admin")], kid: "nope"), "no key found for the token"),
        ("wrong key type", IdentityFixture.token(claims: ["role": .string("admin")], alg: "ES256", kid: "k1", signer: IdentityFixture.ecKey),
         "signing algorithm does not match the key"),
        ("garbage", "not-a-token", "malformed token"),
    ])
    func anInvalidTokenIs401WithAChallenge(_ c: (String, String, String)) {
        let d = admin(c.1)
        #expect(!d.allowed, "\(c.0)")
        #expect(d.httpStatus == 401, "\(c.0)")
        #expect(d.denialKind == .unauthenticated)
        let challenge = d.headers.first { $0.name == "www-authenticate" }?.value
        #expect(challenge == #"Bearer error="invalid_token", error_description="\#(c.2)""#, "\(c.0)")
        #expect(d.errors.first?.hasPrefix("identity users: ") == true)
        #expect(d.body.contains(c.2))
    }

    @Test func aTamperedTokenIsRefused() {
        let token = IdentityFixture.token(claims: ["role": .string("viewer")])
        let parts = token.split(separator: ".").map(String.init)
        let forged = Base64URL.encode(#"{"iss":"https://idp.example","aud":"orders","sub":"alice","role":"admin","exp":9999999999}"#)
        let d = admin(parts[0] + "." + forged + "." + parts[2])
        #expect(d.httpStatus == 401)
    }

    @Test func anInvalidTokenIsRefusedEvenWhereNoPolicyNeedsIt() {
        let d = bundle.decide(IdentityFixture.request(path: "/portal/x", headers: [("authorization", "Bearer junk")]))
        #expect(d.httpStatus == 401)
    }

    @Test func aMissingTokenWhereAPolicyRequiresOneIs401WithABareChallenge() {
        let d = bundle.decide(IdentityFixture.request(path: "/admin/users"))
        #expect(d.httpStatus == 401)
        #expect(d.headers.contains(HeaderMutation(name: "www-authenticate", value: "Bearer")))
        #expect(d.policy == "admin-api")
        #expect(d.errors == ["policy admin-api requires an identity from users: none was presented"])
    }

    @Test func aRepeatedTokenIsVerifiedOnce() throws {
        let b = try IdentityFixture.bundle()
        let token = IdentityFixture.token(claims: ["role": .string("admin")])
        for _ in 0..<3 { #expect(b.decide(IdentityFixture.request(path: "/admin/x", headers: [("authorization", "Bearer " + token)])).allowed) }
        guard case .jwt(_, _, _, let cache?)? = b.identitySources.sources.first?.kind else {
            Issue.record("no jwt source with a cache")
            return
        }
        #expect(cache.count == 1)
    }

    @Test func aCachedTokenStillExpires() {
        let cache = IdentityValueCache(capacity: 2)
        let a = SHA256Digest(of: "a")
        cache.insert(a, IdentityOutput(.string("alice")), validUntil: 100, now: 0)
        #expect(cache.lookup(a, now: 99)?.value == .string("alice"))
        #expect(cache.lookup(a, now: 100) == nil)
        #expect(cache.count == 0)
    }

    @Test func aFullCacheDropsExpiredEntriesFirst() {
        let cache = IdentityValueCache(capacity: 2)
        cache.insert(SHA256Digest(of: "old"), IdentityOutput(.int(1)), validUntil: 10, now: 0)
        cache.insert(SHA256Digest(of: "live"), IdentityOutput(.int(2)), validUntil: 1000, now: 0)
        cache.insert(SHA256Digest(of: "new"), IdentityOutput(.int(3)), validUntil: 1000, now: 50)
        #expect(cache.lookup(SHA256Digest(of: "live"), now: 50)?.value == .int(2))
        #expect(cache.lookup(SHA256Digest(of: "new"), now: 50)?.value == .int(3))
    }
}

@Suite struct APIKeyAndEdgeIdentityTests {
    let bundle = try! IdentityFixture.bundle()

    @Test func aKnownAPIKeyYieldsItsOwnerAndScopes() {
        let d = bundle.decide(IdentityFixture.request(path: "/partner/orders", headers: [("x-api-key", IdentityFixture.partnerKey)]))
        #expect(d.allowed)
        #expect(d.headers == [HeaderMutation(name: "x-partner", value: "partner-one")])
    }

    @Test func anUnknownAPIKeyIs401() {
        let d = bundle.decide(IdentityFixture.request(path: "/partner/orders", headers: [("x-api-key", "pk_guess")]))
        #expect(d.httpStatus == 401)
        #expect(d.errors == ["identity partners: unknown API key"])
        #expect(!d.body.contains("pk_guess"))
    }

    @Test func noAPIKeyIs401ForThePartnerAPI() {
        let d = bundle.decide(IdentityFixture.request(path: "/partner/orders"))
        #expect(d.httpStatus == 401)
        #expect(!d.headers.contains { $0.name == "www-authenticate" })
    }

    @Test func edgeHeadersFromTheGatewayAreBelieved() {
        let d = bundle.decide(IdentityFixture.request(
            path: "/portal/home", headers: [("x-authenticated-user", "jane"), ("x-authenticated-groups", "staff, eng")],
            source: IdentityFixture.gateway))
        #expect(d.allowed)
        #expect(d.headers == [HeaderMutation(name: "x-user", value: "jane")])
        #expect(d.errors.isEmpty)
        #expect(d.headersToRemove.isEmpty)
    }

    @Test func edgeHeadersFromAnotherPeerAreIgnoredRemovedAndRecorded() {
        let d = bundle.decide(IdentityFixture.request(
            path: "/portal/home", headers: [("x-authenticated-user", "jane"), ("x-authenticated-groups", "staff")]))
        #expect(!d.allowed)
        #expect(d.httpStatus == 403)
        #expect(d.headersToRemove == ["x-authenticated-user", "x-authenticated-groups"])
        #expect(d.errors.first?.contains("which is no gateway") == true)
        #expect(d.dynamicMetadata["identity_spoofed"] == .array([.string("edge")]))
    }

    @Test func spoofedHeadersAreRemovedOnAnAllowToo() {
        let d = bundle.decide(IdentityFixture.request(
            path: "/portal/home", headers: [("x-authenticated-user", "mallory")], source: "spiffe://cluster.local/ns/shop/sa/web")
            .withMetadata(["envoy.filters.http.jwt_authn": .object(["https://idp": .object(["sub": .string("svc")])])]))
        #expect(d.allowed)
        #expect(d.rules == ["mesh-users"])
        #expect(d.headersToRemove.contains("x-authenticated-user"))
    }
}

@Suite struct IdentityBundleSyntaxTests {
    func errors(identity: String, policies: String = "name: p\nrules: [{action: allow}]\n", extra: [String: String] = [:]) -> [String] {
        var files = IdentityFixture.files(identity: identity, policies: policies)
        for (k, v) in extra { files[k] = v }
        return Fixture.diagnostics(files).filter { $0.severity == .error }.map { "\($0.file):\($0.line):\($0.column): \($0.message)" }
    }

    @Test func anUnknownKindIsReportedWhereItIsWritten() {
        let e = errors(identity: "sources:\n  users:\n    kind: jwtt\n")
        #expect(e == [#"identity.yaml:3:11: unknown source kind "jwtt" (one of jwt, api_key, edge, envoy_jwt, workload) (did you mean "jwt"?)"#])
    }

    @Test func aJWTSourceNeedsIssuerAudiencesAndKeys() {
        let e = errors(identity: "sources:\n  users:\n    kind: jwt\n")
        #expect(e.count == 3)
        #expect(e.allSatisfy { $0.hasPrefix("identity.yaml:3:5: source users") })
    }

    @Test func aMissingKeyFileAndAPlainHTTPURLAreRefused() {
        let e = errors(identity: """
            sources:
              a: {kind: jwt, issuer: i, audiences: [x], jwks_file: keys/none.json}
              b: {kind: jwt, issuer: i, audiences: [x], jwks_url: "http://idp.example/jwks"}
              c: {kind: jwt, issuer: i, audiences: [x], jwks_file: keys/idp.jwks.json, algorithms: [HS256]}
            """)
        #expect(e.count == 3)
        #expect(e[0].contains("no such file in the bundle"))
        #expect(e[1].contains("jwks_url must be https"))
        #expect(e[2].contains("HS256/384/512 need \"hmac_secret_file\""))
    }

    @Test func aFieldOfAnotherKindIsRefused() {
        let e = errors(identity: "sources:\n  k:\n    kind: api_key\n    header: x-api-key\n    keys_file: keys/partners.json\n    issuer: i\n")
        #expect(e == [#"identity.yaml:6:5: field "issuer" does not apply to a api_key source"#])
    }

    @Test func aBadKeysFileIsRefused() {
        let e = errors(identity: "sources:\n  k: {kind: api_key, header: x-api-key, keys_file: keys/bad.json}\n",
                       extra: ["keys/bad.json": #"[{"digest": "plaintext", "owner": "x"}]"#])
        #expect(e.count == 1)
        #expect(e[0].contains("digest must be"))
    }

    @Test func aPolicyNamingAnUndeclaredSourceIsAnError() {
        let e = errors(identity: "sources:\n  mesh: {kind: envoy_jwt}\n", policies: "name: p\nidentity: [users]\nrules: [{action: allow}]\n")
        #expect(e == [#"policies.yaml:2:12: policy p requires identity source "users", which identity.yaml does not declare"#])
    }

    @Test func anHMACSecretEnablesHS256() throws {
        let secret = String(repeating: "s", count: 40)
        let b = try BundleLoader.load(files: BundleFiles(IdentityFixture.files(
            identity: "sources:\n  users: {kind: jwt, issuer: https://idp.example, audiences: [orders], hmac_secret_file: keys/secret, algorithms: [HS256]}\n",
            policies: "name: admin-api\nidentity: [users]\nrules: [{action: allow, when: [\"identity.users.role == 'admin'\"]}]\n")
            .merging(["keys/secret": secret + "\n"]) { a, _ in a }))
        let header = Base64URL.encode(#"{"alg":"HS256"}"#)
        let claims = Base64URL.encode(#"{"iss":"https://idp.example","aud":"orders","sub":"bob","role":"admin","exp":\#(Int(SystemClock.now()) + 600)}"#)
        let mac = HMAC.mac(Array((header + "." + claims).utf8), key: Array(secret.utf8), algorithm: .hs256)!
        let d = b.decide(IdentityFixture.request(path: "/admin/x", headers: [("authorization", "Bearer \(header).\(claims).\(Base64URL.encode(mac))")]))
        #expect(d.allowed)
    }
}

extension AuthzRequest {
    func withMetadata(_ m: [String: JSONValue]) -> AuthzRequest {
        var r = self
        r.metadataContext = m
        return r
    }
}

@Suite struct SeveralIssuersTests {
    static let otherIssuer = """
        sources:
          users: {kind: jwt, issuer: https://idp.example, audiences: [orders], jwks_file: keys/idp.jwks.json}
          staff: {kind: jwt, issuer: https://staff-idp.example, audiences: [orders], jwks_file: keys/staff.jwks.json}
        """
    static let policies = """
        name: p
        selector: {paths: ["/admin/{**}"]}
        identity: [users, staff]
        rules: [{action: allow, when: ["has(identity.staff) || identity.users.role == 'admin'"]}]
        """

    func bundle() throws -> CompiledBundle {
        let staffJWKS = JSONValue.object(["keys": .array([
            .object(try IdentityFixture.otherKey.publicKey.jwk(kid: "s1", algorithm: .rs256).mapValues(JSONValue.string)),
        ])]).serialized()
        var files = IdentityFixture.files(identity: Self.otherIssuer, policies: Self.policies)
        files["keys/staff.jwks.json"] = staffJWKS
        return try BundleLoader.load(files: BundleFiles(files))
    }

    @Test func aTokenOfEitherIssuerIsAcceptedOnTheSameHeader() throws {
        let b = try bundle()
        let user = IdentityFixture.token(claims: ["role": .string("admin")])
        let staff = IdentityFixture.token(kid: "s1", signer: IdentityFixture.otherKey, iss: "https://staff-idp.example")
        for t in [user, staff] {
            let d = b.decide(IdentityFixture.request(path: "/admin/x", headers: [("authorization", "Bearer " + t)]))
            #expect(d.allowed, "\(d.errors)")
        }
    }

    @Test func theFailureReportedIsTheOneOfTheTokensIssuer() throws {
        let b = try bundle()
        let expiredStaff = IdentityFixture.token(kid: "s1", signer: IdentityFixture.otherKey, exp: SystemClock.now() - 3600,
                                                 iss: "https://staff-idp.example")
        let d = b.decide(IdentityFixture.request(path: "/admin/x", headers: [("authorization", "Bearer " + expiredStaff)]))
        #expect(d.httpStatus == 401)
        #expect(d.errors.first == "identity staff: token expired")
    }
}

@Suite struct OtherIdentitySourceTests {
    @Test func theWorkloadSourceParsesTheSPIFFEPrincipal() throws {
        let b = try BundleLoader.load(files: BundleFiles(IdentityFixture.files(
            identity: "sources:\n  peer: {kind: workload}\n",
            policies: """
                name: p
                identity: [peer]
                rules:
                  - action: allow
                    when: ["identity.peer.namespace == 'shop' && identity.peer.service_account == 'web'"]
                    response: {set_headers: {x-td: identity.peer.trust_domain}}
                """)))
        let d = b.decide(IdentityFixture.request(path: "/"))
        #expect(d.allowed)
        #expect(d.headers == [HeaderMutation(name: "x-td", value: "cluster.local")])
        let other = b.decide(IdentityFixture.request(path: "/", source: "spiffe://cluster.local/ns/ops/sa/web"))
        #expect(!other.allowed && other.httpStatus == 403)
        let none = b.decide(IdentityFixture.request(path: "/", source: ""))
        #expect(none.httpStatus == 401)
    }

    @Test func aTokenCanComeFromAQueryParameterOrACookie() throws {
        for (field, request) in [
            ("query: access_token", { (t: String) in IdentityFixture.request(path: "/admin/x?access_token=" + t) }),
            ("cookie: session", { (t: String) in IdentityFixture.request(path: "/admin/x", headers: [("cookie", "a=1; session=" + t)]) }),
        ] {
            let b = try BundleLoader.load(files: BundleFiles(IdentityFixture.files(
                identity: "sources:\n  users: {kind: jwt, issuer: https://idp.example, audiences: [orders], jwks_file: keys/idp.jwks.json, \(field)}\n",
                policies: "name: p\nidentity: [users]\nrules: [{action: allow, when: [\"identity.users.role == 'admin'\"]}]\n")))
            let token = IdentityFixture.token(claims: ["role": .string("admin")])
            #expect(b.decide(request(token)).allowed, "\(field)")
            // The bearer header is not read by this source.
            #expect(b.decide(IdentityFixture.request(path: "/admin/x", headers: [("authorization", "Bearer " + token)])).httpStatus == 401)
        }
    }

    @Test func twoIdentityFilesAreRefused() {
        let e = Fixture.diagnostics(IdentityFixture.files().merging(["identity.yml": "sources: {}\n"]) { a, _ in a })
        #expect(e.contains { $0.message.contains("both identity.yaml and identity.yml") })
    }
}

@Suite struct IdentityExplainTests {
    @Test func explainNamesTheSourcesAndTheInvalidCredential() throws {
        let b = try IdentityFixture.bundle()
        let ok = b.explain(IdentityFixture.request(path: "/admin/x", headers: [("authorization", "Bearer " + IdentityFixture.token(claims: ["role": .string("admin")]))]))
        #expect(ok.entries.first == ExplainEntry(policy: "identity", rule: "users", action: "identity", dryRun: false, outcome: .matched))
        let expired = b.explain(IdentityFixture.request(
            path: "/admin/x", headers: [("authorization", "Bearer " + IdentityFixture.token(exp: SystemClock.now() - 3600))]))
        #expect(expired.entries == [ExplainEntry(policy: "identity", rule: "users", action: "identity", dryRun: false,
                                                 outcome: .error("invalid credential: token expired"))])
    }
}
