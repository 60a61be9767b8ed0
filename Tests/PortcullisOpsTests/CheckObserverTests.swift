import Foundation
import PortcullisModel
import Testing
@testable import PortcullisOps

@Suite struct CheckObserverTests {
    @Test func recordsMetricsLogAndDecisionID() throws {
        let sink = MemorySink()
        let metrics = OpsMetrics()
        let log = DecisionLogger(configuration: .init(), sink: sink, metrics: metrics)
        let observer = CheckObserver(metrics: metrics, decisionLog: log)
        let request = AuthzRequest(http: HTTPRequestInfo(method: "GET", path: "/x", headers: HTTPHeaders([("x-request-id", "abc")])))
        let d = observer.observe(request, bundleRevision: "rev-1") { Decision(allowed: false, policy: "p") }
        let id = try #require(d.dynamicMetadata[CheckObserver.decisionIDKey]?.stringValue)
        #expect(id.count == 32)
        #expect(log.flush())
        let line = try #require(sink.lines.first)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(o["decision_id"] as? String == id)
        #expect(o["bundle_revision"] as? String == "rev-1")
        #expect((o["trace"] as? [String: String])?["x-request-id"] == "abc")
        let s = try parsePrometheus(metrics.exposition())
        #expect(s[#"portcullis_checks_total{decision="deny",policy="p",status="403",dry_run="false"}"#] == 1)
        #expect(s["portcullis_checks_in_flight"] == 0)
        #expect(s["portcullis_check_duration_seconds_count"] == 1)
    }

    @Test func worksWithoutMetricsOrLog() {
        let d = CheckObserver(metrics: nil, decisionLog: nil).observe(AuthzRequest(), bundleRevision: "") { .allow }
        #expect(d.allowed)
        #expect(d.dynamicMetadata[CheckObserver.decisionIDKey] != nil)
    }
}
