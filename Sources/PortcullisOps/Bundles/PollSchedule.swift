/// When to poll a bundle source: an interval with jitter, and exponential backoff after failures.
public struct PollSchedule: Sendable, Equatable {
    /// The delay between polls while all is well.
    public var interval: Duration
    /// Each delay is spread uniformly by ± this fraction of itself (0 ... 1), so replicas don't poll in step.
    public var jitter: Double
    /// The first delay after a failure; doubled with each further failure, up to `maxBackoff`.
    public var initialBackoff: Duration
    public var maxBackoff: Duration

    public init(
        interval: Duration = .seconds(30), jitter: Double = 0.1,
        initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(120)
    ) {
        self.interval = interval
        self.jitter = min(max(jitter, 0), 1)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The base delay, before jitter: the interval after a success, else
    /// `initialBackoff * 2^(failures-1)` capped at `maxBackoff`.
    public func baseDelay(consecutiveFailures n: Int) -> Duration {
        guard n > 0 else { return interval }
        let shift = min(n - 1, 30)
        let backoff = initialBackoff * (1 << shift)
        return min(backoff, maxBackoff)
    }

    /// The delay to wait, jittered with `unit` (a uniform value in 0 ..< 1).
    public func delay(consecutiveFailures n: Int, unit: Double = Double.random(in: 0..<1)) -> Duration {
        let base = baseDelay(consecutiveFailures: n)
        let factor = 1 + jitter * (2 * unit - 1)
        return base * factor
    }
}
