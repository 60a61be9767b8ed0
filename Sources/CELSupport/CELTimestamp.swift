/// A point in time: seconds since 1970-01-01T00:00:00Z and nanoseconds (0...999,999,999) after that second.
///
/// Valid timestamps lie in 0001-01-01T00:00:00Z ... 9999-12-31T23:59:59.999999999Z (see `CivilTime.isValid`).
public struct CELTimestamp: Sendable, Hashable, Comparable {
    public var seconds: Int64
    public var nanos: Int32

    public init(seconds: Int64, nanos: Int32) {
        self.seconds = seconds
        self.nanos = nanos
    }

    /// Seconds of 0001-01-01T00:00:00Z.
    public static let minSeconds: Int64 = -62_135_596_800
    /// Seconds of 9999-12-31T23:59:59Z.
    public static let maxSeconds: Int64 = 253_402_300_799

    public static func < (a: CELTimestamp, b: CELTimestamp) -> Bool {
        a.seconds != b.seconds ? a.seconds < b.seconds : a.nanos < b.nanos
    }
}

extension CELTimestamp {
    /// `self + d`; nil when the result leaves the valid range.
    public func adding(_ d: CELDuration) -> CELTimestamp? {
        guard let total = CELDuration.totalNanos(seconds, Int64(nanos)).flatMap({ $0.addingChecked(d.totalNanos) }) else {
            return nil
        }
        let t = CELTimestamp(totalNanos: total)
        return t.flatMap { CivilTime.isValid($0) ? $0 : nil }
    }

    /// `self - d`; nil when the result leaves the valid range.
    public func subtracting(_ d: CELDuration) -> CELTimestamp? {
        adding(CELDuration(seconds: -d.seconds, nanos: -d.nanos))
    }

    /// `self - other` as a duration; nil when it leaves the duration range.
    public func difference(from other: CELTimestamp) -> CELDuration? {
        let a = Int128(seconds) * 1_000_000_000 + Int128(nanos)
        let b = Int128(other.seconds) * 1_000_000_000 + Int128(other.nanos)
        return CELDuration(totalNanos: a - b).flatMap { CivilTime.isValid($0) ? $0 : nil }
    }

    init?(totalNanos: Int128) {
        let (q, r) = totalNanos.quotientAndRemainder(dividingBy: 1_000_000_000)
        var s = q
        var n = r
        if n < 0 {
            s -= 1
            n += 1_000_000_000
        }
        guard let secs = Int64(exactly: s) else { return nil }
        self.init(seconds: secs, nanos: Int32(n))
    }
}

extension Int128 {
    func addingChecked(_ other: Int128) -> Int128? {
        let (r, o) = addingReportingOverflow(other)
        return o ? nil : r
    }
}
