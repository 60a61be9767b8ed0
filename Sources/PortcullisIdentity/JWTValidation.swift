/// What a verified token must satisfy beyond its signature.
public struct JWTValidation: Sendable {
    /// Accepted `iss` values. Empty: the issuer is not checked (configure it for any real IdP).
    public var issuers: Set<String>
    /// Accepted audiences: a token passes when any of its `aud` values is in this set.
    /// Empty: the audience is not checked.
    public var audiences: Set<String>
    /// Seconds of clock skew tolerated on `exp`, `nbf` and `iat`.
    public var leeway: Double
    /// When true (the default), a token without `exp` is refused.
    public var requireExpiry: Bool
    /// Asymmetric algorithms accepted; by default all of them. (HMAC algorithms are governed by the
    /// verifier's shared secret alone: accepted exactly when one is configured.)
    public var algorithms: Set<JWTAlgorithm>
    /// Largest token accepted, in bytes.
    public var maxTokenBytes: Int
    /// The current time in seconds since the epoch; injectable for tests.
    public var clock: @Sendable () -> Double

    public static let asymmetricAlgorithms: Set<JWTAlgorithm> = Set(JWTAlgorithm.allCases.filter { !$0.isSymmetric })

    public init(
        issuers: Set<String> = [], audiences: Set<String> = [], leeway: Double = 60, requireExpiry: Bool = true,
        algorithms: Set<JWTAlgorithm> = JWTValidation.asymmetricAlgorithms, maxTokenBytes: Int = JWT.defaultMaxBytes,
        clock: @escaping @Sendable () -> Double = SystemClock.now
    ) {
        self.issuers = issuers
        self.audiences = audiences
        self.leeway = leeway
        self.requireExpiry = requireExpiry
        self.algorithms = algorithms
        self.maxTokenBytes = maxTokenBytes
        self.clock = clock
    }

    /// Checks the time and identity claims of `token` at time `now`.
    func check(_ token: JWT, now: Double) throws(JWTError) {
        if let exp = token.expiresAt {
            if now >= exp + leeway { throw .expired }
        } else if requireExpiry {
            throw .missingClaim("exp")
        }
        if let nbf = token.notBefore, now + leeway < nbf { throw .notYetValid }
        if let iat = token.issuedAt, now + leeway < iat { throw .issuedInFuture }
        if !issuers.isEmpty {
            guard let iss = token.issuer, issuers.contains(iss) else { throw .invalidIssuer }
        }
        if !audiences.isEmpty {
            guard token.audiences.contains(where: audiences.contains) else { throw .invalidAudience }
        }
    }
}

/// The wall clock, in seconds since the Unix epoch.
public enum SystemClock {
    @Sendable public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
