import Foundation
import PortcullisModel
import Testing
@testable import PortcullisOps

/// Parses Prometheus text format into `series → value`, checking each line's shape.
func parsePrometheus(_ text: String) throws -> [String: Double] {
    var out: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " "), let v = Double(line[line.index(after: space)...]) else {
            throw ToolFailure(message: "bad exposition line: \(line)")
        }
        out[String(line[..<space])] = v
    }
    return out
}

@Suite struct OpsMetricsTests {
    @Test func checksLatencyAndInFlight() throws {
        let m = OpsMetrics()
        m.checkStarted()
        m.checkStarted()
        m.checkFinished()
        m.recordCheck(Decision(allowed: true, policy: "p1"), duration: .microseconds(80))
        m.recordCheck(Decision(allowed: true, policy: "p1"), duration: .microseconds(120))
        m.recordCheck(Decision(allowed: false, policy: "p2"), duration: .milliseconds(3))
        m.recordCheck(Decision(allowed: false, denialKind: .unauthenticated), duration: .microseconds(10))
        m.recordCheck(Decision(allowed: true, policy: "p2", dryRun: true), duration: .microseconds(10))
        let s = try parsePrometheus(m.exposition())
        #expect(s[#"portcullis_checks_total{decision="allow",policy="p1",status="200",dry_run="false"}"#] == 2)
        #expect(s[#"portcullis_checks_total{decision="deny",policy="p2",status="403",dry_run="false"}"#] == 1)
        #expect(s[#"portcullis_checks_total{decision="deny",policy="none",status="401",dry_run="false"}"#] == 1)
        #expect(s[#"portcullis_checks_total{decision="allow",policy="p2",status="200",dry_run="true"}"#] == 1)
        #expect(s["portcullis_check_duration_seconds_count"] == 5)
        #expect(s[#"portcullis_check_duration_seconds_bucket{le="0.0001"}"#] == 3)
        #expect(s[#"portcullis_check_duration_seconds_bucket{le="0.0025"}"#] == 4)
        #expect(s[#"portcullis_check_duration_seconds_bucket{le="+Inf"}"#] == 5)
        #expect(s["portcullis_checks_in_flight"] == 1)
    }

    @Test func bundleJWKSAndLogSeries() throws {
        let m = OpsMetrics()
        m.recordBundleLoad(source: "http")
        m.recordBundleFailure(source: "http", stage: "verify")
        m.setActiveBundle(revision: "a", source: "http")
        m.setActiveBundle(revision: "b", source: "http")
        m.recordBundleRefresh(at: Date(timeIntervalSince1970: 1000))
        m.recordJWKSRefresh(success: true)
        m.recordJWKSRefresh(success: false)
        m.recordJWKSRefresh(success: false)
        m.recordDecisionLogDropped(3)
        let s = try parsePrometheus(m.exposition())
        #expect(s[#"portcullis_bundle_loads_total{source="http"}"#] == 1)
        #expect(s[#"portcullis_bundle_load_failures_total{source="http",stage="verify"}"#] == 1)
        #expect(s[#"portcullis_bundle_info{revision="b",source="http"}"#] == 1)
        #expect(s[#"portcullis_bundle_info{revision="a",source="http"}"#] == nil)
        #expect(s["portcullis_bundle_last_refresh_timestamp_seconds"] == 1000)
        #expect(s[#"portcullis_jwks_refreshes_total{result="success"}"#] == 1)
        #expect(s[#"portcullis_jwks_refreshes_total{result="failure"}"#] == 2)
        #expect(s["portcullis_decision_log_dropped_total"] == 3)
    }
}
