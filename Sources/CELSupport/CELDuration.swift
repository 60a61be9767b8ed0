/// A signed span of time: seconds and nanoseconds with the same sign (nanos in -999,999,999...999,999,999).
///
/// Valid durations lie in ±315,576,000,000 seconds (see `CivilTime.isValid`).
public struct CELDuration: Sendable, Hashable, Comparable {
    public var seconds: Int64
    public var nanos: Int32

    public init(seconds: Int64, nanos: Int32) {
        self.seconds = seconds
        self.nanos = nanos
    }

    public static let maxSeconds: Int64 = 315_576_000_000

    public static func < (a: CELDuration, b: CELDuration) -> Bool {
        a.totalNanos < b.totalNanos
    }
}

extension CELDuration {
    /// The duration in nanoseconds (exact).
    public var totalNanos: Int128 { Int128(seconds) * 1_000_000_000 + Int128(nanos) }

    /// A normalized duration (nanos with the sign of seconds); nil when seconds do not fit 64 bits.
    public init?(totalNanos: Int128) {
        let (q, r) = totalNanos.quotientAndRemainder(dividingBy: 1_000_000_000)
        guard let s = Int64(exactly: q) else { return nil }
        self.init(seconds: s, nanos: Int32(r))
    }

    static func totalNanos(_ seconds: Int64, _ nanos: Int64) -> Int128? {
        Int128(seconds) * 1_000_000_000 + Int128(nanos)
    }

    /// `self + other`; nil when the result leaves the valid range.
    public func adding(_ other: CELDuration) -> CELDuration? {
        CELDuration(totalNanos: totalNanos + other.totalNanos).flatMap { CivilTime.isValid($0) ? $0 : nil }
    }

    /// `self - other`; nil when the result leaves the valid range.
    public func subtracting(_ other: CELDuration) -> CELDuration? {
        CELDuration(totalNanos: totalNanos - other.totalNanos).flatMap { CivilTime.isValid($0) ? $0 : nil }
    }

    /// `-self`; nil when the result leaves the valid range.
    public var negated: CELDuration? {
        CELDuration(totalNanos: -totalNanos).flatMap { CivilTime.isValid($0) ? $0 : nil }
    }
}
