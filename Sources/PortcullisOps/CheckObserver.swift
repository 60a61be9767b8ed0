import PortcullisModel

/// The hot-path glue for one check: in-flight gauge, latency, check counters, decision id in
/// Envoy dynamic metadata, and the decision-log line.
///
/// ```swift
/// let observer = CheckObserver(metrics: metrics, decisionLog: decisionLog)
/// // per call, on a worker thread with its own `reader = store.makeReader()`:
/// guard let active = reader.current() else { return notReady() }
/// let decision = observer.observe(request, bundleRevision: active.metadata.revision) {
///     active.bundle.decide(request)
/// }
/// ```
public struct CheckObserver: Sendable {
    /// The dynamic-metadata key the decision id is returned under (Envoy's access log can read it with
    /// `%DYNAMIC_METADATA(envoy.filters.http.ext_authz:decision_id)%`).
    public static let decisionIDKey = "decision_id"

    public let metrics: OpsMetrics?
    public let decisionLog: DecisionLogger?

    public init(metrics: OpsMetrics?, decisionLog: DecisionLogger?) {
        self.metrics = metrics
        self.decisionLog = decisionLog
    }

    /// Runs `decide`, records it, and returns its decision with the decision id in `dynamicMetadata`.
    public func observe(_ request: AuthzRequest, bundleRevision: String, decide: () -> Decision) -> Decision {
        metrics?.checkStarted()
        let clock = ContinuousClock()
        let start = clock.now
        var decision = decide()
        let elapsed = clock.now - start
        let id = DecisionID.next()
        decision.dynamicMetadata[Self.decisionIDKey] = .string(id)
        metrics?.recordCheck(decision, duration: elapsed)
        metrics?.checkFinished()
        if let decisionLog {
            let c = elapsed.components
            let micros = c.seconds * 1_000_000 + c.attoseconds / 1_000_000_000_000
            decisionLog.log(DecisionRecord(
                id: id, request: request, decision: decision, bundleRevision: bundleRevision, evaluationMicros: micros))
        }
        return decision
    }
}
