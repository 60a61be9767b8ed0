#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Prometheus
import PortcullisModel
import Synchronization

/// Portcullis's Prometheus metrics, in one registry served by `/metrics`.
///
/// | name | type | labels |
/// |---|---|---|
/// | `portcullis_checks_total` | counter | `decision` (allow/deny), `policy`, `status` (HTTP status), `dry_run` |
/// | `portcullis_check_duration_seconds` | histogram | |
/// | `portcullis_checks_in_flight` | gauge | |
/// | `portcullis_bundle_loads_total` | counter | `source` (directory/tarball/http/persisted) |
/// | `portcullis_bundle_load_failures_total` | counter | `source`, `stage` (fetch/verify/compile/persist) |
/// | `portcullis_bundle_info` | gauge (=1) | `revision`, `source` |
/// | `portcullis_bundle_last_refresh_timestamp_seconds` | gauge | |
/// | `portcullis_jwks_refreshes_total` | counter | `result` (success/failure) |
/// | `portcullis_decision_log_written_total` | counter | |
/// | `portcullis_decision_log_dropped_total` | counter | |
///
/// Hot-path calls (``recordCheck(_:duration:)``, ``checkStarted()``, ``checkFinished()``) use handles
/// made once; check counters are cached per label set and found without touching the registry.
public final class OpsMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    private let latency: DurationHistogram
    private let inFlight: Gauge
    private let lastRefresh: Gauge
    private let jwksSuccess: Counter
    private let jwksFailure: Counter
    private let logWritten: Counter
    private let logDropped: Counter
    private let checkCounters = Mutex<[CheckKey: Counter]>([:])
    private let info = Mutex<Gauge?>(nil)

    private struct CheckKey: Hashable {
        var allowed: Bool
        var dryRun: Bool
        var status: Int
        var policy: String
    }

    /// The default latency buckets: 25 µs to 1 s.
    public static let defaultLatencyBuckets: [Duration] = [
        .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), latencyBuckets: [Duration] = OpsMetrics.defaultLatencyBuckets) {
        self.registry = registry
        latency = registry.makeDurationHistogram(
            descriptor: Self.d("portcullis_check_duration_seconds", "Time to decide one check."), buckets: latencyBuckets)
        inFlight = registry.makeGauge(descriptor: Self.d("portcullis_checks_in_flight", "Checks being decided now."))
        lastRefresh = registry.makeGauge(
            descriptor: Self.d("portcullis_bundle_last_refresh_timestamp_seconds", "Unix time of the last successful bundle refresh."))
        jwksSuccess = registry.makeCounter(
            descriptor: Self.d("portcullis_jwks_refreshes_total", "JWKS refreshes by result."), labels: [("result", "success")])
        jwksFailure = registry.makeCounter(
            descriptor: Self.d("portcullis_jwks_refreshes_total", "JWKS refreshes by result."), labels: [("result", "failure")])
        logWritten = registry.makeCounter(descriptor: Self.d("portcullis_decision_log_written_total", "Decision-log lines written."))
        logDropped = registry.makeCounter(
            descriptor: Self.d("portcullis_decision_log_dropped_total", "Decision-log lines dropped because the queue was full or the write failed."))
    }

    /// A `PrometheusMetricsFactory` over this registry, for `MetricsSystem.bootstrap` (once per process).
    public var metricsFactory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    // MARK: checks

    public func checkStarted() { inFlight.increment() }
    public func checkFinished() { inFlight.decrement() }

    /// Counts one decided check and records its latency.
    public func recordCheck(_ decision: Decision, duration: Duration) {
        latency.record(duration)
        let key = CheckKey(allowed: decision.allowed, dryRun: decision.dryRun, status: decision.httpStatus, policy: decision.policy ?? "")
        let counter = checkCounters.withLock { cache -> Counter in
            if let c = cache[key] { return c }
            let c = registry.makeCounter(
                descriptor: Self.d("portcullis_checks_total", "Checks decided, by decision, deciding policy, HTTP status and dry-run."), labels: [
                    ("decision", key.allowed ? "allow" : "deny"), ("policy", key.policy.isEmpty ? "none" : key.policy),
                    ("status", String(key.status)), ("dry_run", key.dryRun ? "true" : "false"),
                ])
            // Policy names come from bundles: bound the label set.
            if cache.count < 10_000 { cache[key] = c }
            return c
        }
        counter.increment()
    }

    // MARK: bundles

    /// Counts a bundle that became active.
    public func recordBundleLoad(source: String) {
        registry.makeCounter(
            descriptor: Self.d("portcullis_bundle_loads_total", "Bundles loaded and made active, by source."), labels: [("source", source)]
        ).increment()
    }

    /// Counts a bundle refresh that failed at `stage` (fetch, verify, compile or persist).
    public func recordBundleFailure(source: String, stage: String) {
        registry.makeCounter(
            descriptor: Self.d("portcullis_bundle_load_failures_total", "Bundle refreshes that failed, by source and stage; the active bundle stayed."), labels: [("source", source), ("stage", stage)]
        ).increment()
    }

    /// Records a successful refresh (a swap or an unchanged source).
    public func recordBundleRefresh(at date: Date = Date()) {
        lastRefresh.set(date.timeIntervalSince1970)
    }

    /// Sets `portcullis_bundle_info{revision, source} 1`, removing the previous revision's series.
    public func setActiveBundle(revision: String, source: String) {
        let g = registry.makeGauge(
            descriptor: Self.d("portcullis_bundle_info", "The active bundle: 1 for its revision and source."), labels: [("revision", revision), ("source", source)])
        g.set(Double(1))
        let old = info.withLock { current -> Gauge? in
            let old = current
            current = g
            return old
        }
        if let old, old !== g { registry.unregisterGauge(old) }
    }

    // MARK: identity and decision log

    public func recordJWKSRefresh(success: Bool) {
        (success ? jwksSuccess : jwksFailure).increment()
    }

    public func recordDecisionLogWritten(_ n: Int = 1) { logWritten.increment(by: Int64(n)) }
    public func recordDecisionLogDropped(_ n: Int = 1) { logDropped.increment(by: Int64(n)) }

    private static func d(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String { registry.emitToString() }
}
