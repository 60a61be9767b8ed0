import PortcullisIdentity
import PortcullisModel
import Synchronization
import Testing

@testable import PortcullisPolicy

/// A clock tests set by hand.
final class ManualClock: Sendable {
    private let time: Mutex<Double>
    init(_ t: Double) { time = Mutex(t) }
    var now: Double {
        get { time.withLock { $0 } }
        set { time.withLock { $0 = newValue } }
    }
}

/// Bearer tokens that failed verification are remembered for a short time, and only failures that stay failures.
@Suite struct IdentityFailureCacheTests {
    let bundle = try! IdentityFixture.bundle()

    func admin(_ b: CompiledBundle, _ token: String) -> Decision {
        b.decide(IdentityFixture.request(path: "/admin/users", headers: [("authorization", "Bearer " + token)]))
    }

    func failures(_ b: CompiledBundle) -> IdentityFailureCache? {
        b.identitySources.sources.first { $0.name == "users" }?.failures
    }

    /// A source reading `Authorization: Bearer` verified with the fixture's keys at the time `clock` says.
    func source(clock: ManualClock) throws -> IdentitySources {
        var validation = JWTValidation(issuers: ["https://idp.example"], audiences: ["orders"], leeway: 0)
        validation.clock = { clock.now }
        let verifier = JWTVerifier(
            keys: try StaticJWKSProvider(jwksJSON: Array(IdentityFixture.jwks.utf8)), validation: validation, cache: nil)
        return IdentitySources([IdentitySource(
            name: "users", kind: .jwt(verifier, from: .authorizationBearer, remote: nil, cache: IdentityValueCache(capacity: 10)))])
    }

    func resolve(_ s: IdentitySources, _ token: String) -> IdentityResolution {
        s.resolve(IdentityFixture.request(path: "/", headers: [("authorization", "Bearer " + token)]))
    }

    @Test func anExpiredTokenStays401WhenSentAgain() throws {
        let b = try IdentityFixture.bundle()
        let token = IdentityFixture.token(claims: ["role": .string("admin")], exp: SystemClock.now() - 3600)
        let first = admin(b, token)
        #expect(failures(b)?.count == 1)
        let second = admin(b, token)
        for d in [first, second] {
            #expect(!d.allowed)
            #expect(d.httpStatus == 401)
            #expect(d.headers.first { $0.name == "www-authenticate" }?.value
                == #"Bearer error="invalid_token", error_description="token expired""#)
            #expect(d.errors == ["identity users: token expired"])
        }
        #expect(second.body == first.body)
    }

    @Test func aCachedFailureForOneTokenDoesNotAffectAnother() throws {
        let b = try IdentityFixture.bundle()
        let forged = IdentityFixture.token(claims: ["role": .string("admin")], signer: IdentityFixture.otherKey)
        #expect(admin(b, forged).httpStatus == 401)
        #expect(admin(b, forged).httpStatus == 401)
        let valid = IdentityFixture.token(claims: ["role": .string("admin")])
        #expect(admin(b, valid).allowed)
        let expired = IdentityFixture.token(claims: ["role": .string("admin")], exp: SystemClock.now() - 3600)
        #expect(admin(b, expired).errors == ["identity users: token expired"])
        #expect(admin(b, forged).errors == ["identity users: invalid signature"])
        #expect(failures(b)?.count == 2)
    }

    @Test func aTokenNotValidYetIsNotRememberedAndIsAcceptedOnceValid() throws {
        let now = SystemClock.now()
        let clock = ManualClock(now)
        let s = try source(clock: clock)
        let token = IdentityFixture.token(claims: ["nbf": .number((now + 30).rounded(.down))])
        #expect(resolve(s, token).failure?.reason == "token not yet valid")
        #expect(s.sources[0].failures?.count == 0)
        // Valid now, well within the time a cached failure would be used.
        clock.now = now + 40
        let later = resolve(s, token)
        #expect(later.failure == nil)
        #expect(later.present.count == 1)
    }

    @Test func anExpiredTokenIsJudgedAgainWhenTheClockIsSetBack() throws {
        let now = SystemClock.now()
        let clock = ManualClock(now + 1000)
        let s = try source(clock: clock)
        let token = IdentityFixture.token(exp: now + 500)
        #expect(resolve(s, token).failure?.reason == "token expired")
        #expect(resolve(s, token).failure?.reason == "token expired")
        #expect(s.sources[0].failures?.count == 1)
        clock.now = now
        #expect(resolve(s, token).present.count == 1)
    }

    @Test func anEntryIsUsedOnlyFromWhenItWasSeenForItsLifetime() {
        let cache = IdentityFailureCache(capacity: 4)
        let digest = SHA256Digest(of: "bad")
        let failure = IdentityFailure(source: "users", reason: "token expired", detail: "token expired", challenge: nil)
        cache.insert(digest, failure, ownsCredential: false, now: 1000)
        #expect(cache.lookup(digest, now: 999) == nil)
        cache.insert(digest, failure, ownsCredential: false, now: 1000)
        #expect(cache.lookup(digest, now: 1000)?.ownsCredential == false)
        #expect(cache.lookup(digest, now: 1000 + IdentityFailureCache.lifetime - 1)?.failure === failure)
        #expect(cache.lookup(SHA256Digest(of: "other"), now: 1000) == nil)
        #expect(cache.lookup(digest, now: 1000 + IdentityFailureCache.lifetime) == nil)
        #expect(cache.count == 0)
    }

    @Test func aFullCacheDropsStaleEntriesFirst() {
        let cache = IdentityFailureCache(capacity: 2)
        let failure = IdentityFailure(source: "users", reason: "invalid signature", detail: "invalid signature", challenge: nil)
        cache.insert(SHA256Digest(of: "old"), failure, ownsCredential: true, now: 0)
        cache.insert(SHA256Digest(of: "recent"), failure, ownsCredential: true, now: 50)
        cache.insert(SHA256Digest(of: "new"), failure, ownsCredential: true, now: 70)
        #expect(cache.count == 2)
        #expect(cache.lookup(SHA256Digest(of: "recent"), now: 70) != nil)
        #expect(cache.lookup(SHA256Digest(of: "new"), now: 70) != nil)
    }

    @Test func onlyFailuresThatLastAreRemembered() {
        let always: [JWTError] = [.malformed("x"), .algorithmNone, .unsupportedAlgorithm("x"), .algorithmNotAllowed(.rs384),
                                  .criticalHeader, .hmacNotConfigured]
        let withFixedKeys: [JWTError] = [.unknownKey(kid: "k"), .keyAlgorithmMismatch(.rs256, key: "EC"), .invalidSignature,
                                         .expired, .missingClaim("exp"), .invalidIssuer, .invalidAudience]
        let never: [JWTError] = [.notYetValid, .issuedInFuture, .keysUnavailable, .crypto(OpenSSLError(operation: "x", message: ""))]
        for e in always {
            #expect(IdentitySource.lastingFailure(e, fixedKeys: true) && IdentitySource.lastingFailure(e, fixedKeys: false), "\(e)")
        }
        for e in withFixedKeys {
            #expect(IdentitySource.lastingFailure(e, fixedKeys: true) && !IdentitySource.lastingFailure(e, fixedKeys: false), "\(e)")
        }
        for e in never {
            #expect(!IdentitySource.lastingFailure(e, fixedKeys: true) && !IdentitySource.lastingFailure(e, fixedKeys: false), "\(e)")
        }
        #expect(bundle.identitySources.sources.first { $0.name == "users" }?.hasFixedKeys == true)
    }

    @Test func noFailureIsRememberedWithoutACache() throws {
        let identity = IdentityFixture.identityYAML.replacingOccurrences(of: "leeway: 30", with: "leeway: 30\n    cache_size: 0")
        let b = try BundleLoader.load(files: BundleFiles(IdentityFixture.files(identity: identity)))
        #expect(failures(b) == nil)
        #expect(admin(b, "not-a-token").httpStatus == 401)
    }
}

/// 401s built once and shared: a caller changing its copy changes no other.
@Suite struct SharedIdentityResponseTests {
    let bundle = try! IdentityFixture.bundle()

    @Test func anUnknownAPIKey401IsTheSameEachTimeAndCopiedOnWrite() {
        let request = IdentityFixture.request(path: "/partner/orders", headers: [("x-api-key", "pk_guess")])
        var first = bundle.decide(request)
        first.errors.append("changed by a caller")
        first.dynamicMetadata["decision_id"] = .string("1")
        let second = bundle.decide(request)
        #expect(second.errors == ["identity partners: unknown API key"])
        #expect(second.dynamicMetadata == ["identity_error": .object(["source": .string("partners"), "reason": .string("unknown API key")])])
        #expect(second.body == #"{"error":"invalid credential","reason":"unknown API key","source":"partners"}"# + "\n")
    }

    @Test func aMissingIdentity401IsTheSameEachTimeAndCopiedOnWrite() {
        var first = bundle.decide(IdentityFixture.request(path: "/admin/users"))
        first.errors.append("changed by a caller")
        first.headers.append(HeaderMutation(name: "x-extra", value: "1"))
        let second = bundle.decide(IdentityFixture.request(path: "/admin/users"))
        #expect(second.errors == ["policy admin-api requires an identity from users: none was presented"])
        #expect(second.headers == [HeaderMutation(name: "content-type", value: "application/json"),
                                   HeaderMutation(name: "www-authenticate", value: "Bearer")])
        let partner = bundle.decide(IdentityFixture.request(path: "/partner/orders"))
        #expect(partner.policy == "partner-api")
        #expect(partner.errors == ["policy partner-api requires an identity from partners: none was presented"])
    }

    @Test func aTableServingSeveralBundlesTellsTheirPoliciesApart() {
        let table = UnmetIdentityResponses()
        let a = table.decision(0, policy: "a", identity: ["x"]) { Decision(allowed: false, policy: "a") }
        let b = table.decision(0, policy: "b", identity: ["x"]) { Decision(allowed: false, policy: "b") }
        let again = table.decision(0, policy: "b", identity: ["x"]) { Decision(allowed: true) }
        #expect(a.policy == "a")
        #expect(b.policy == "b")
        #expect(again.policy == "b")
        #expect(!again.allowed)
    }
}
