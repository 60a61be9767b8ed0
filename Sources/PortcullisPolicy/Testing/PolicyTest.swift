import PortcullisModel

/// One test from a bundle's `tests/*.yaml`: a request and what the decision must be.
public struct PolicyTest: Sendable {
    public let name: String
    public let file: String
    public let line: Int
    public let request: AuthzRequest
    public let expectAllow: Bool
    public let status: Int?
    /// Headers the decision must set (on allow: upstream headers; on deny: the denial's headers).
    public let headers: [(name: String, value: String)]
    public let removeHeaders: [String]
    public let body: String?
    public let policy: String?
    public let rules: [String]?
    public let dryRun: Bool?
}

/// A test's outcome.
public struct PolicyTestResult: Sendable {
    public let test: PolicyTest
    public let decision: Decision
    /// Empty when the test passed.
    public let failures: [String]
    public var passed: Bool { failures.isEmpty }
}

extension CompiledBundle {
    /// Runs the bundle's own tests.
    public func runTests() -> [PolicyTestResult] {
        tests.map { run($0) }
    }

    public func run(_ test: PolicyTest) -> PolicyTestResult {
        let d = decide(test.request)
        var failures: [String] = []
        if d.allowed != test.expectAllow {
            var why = "expected \(test.expectAllow ? "allow" : "deny"), got \(d.allowed ? "allow" : "deny")"
            if let p = d.policy { why += " by policy \(p)" }
            if !d.rules.isEmpty { why += " rules \(d.rules.joined(separator: ", "))" }
            failures.append(why)
        }
        if let s = test.status, s != d.httpStatus { failures.append("expected status \(s), got \(d.httpStatus)") }
        for (name, value) in test.headers {
            let got = d.headers.first { $0.name == name }?.value
            if got != value {
                failures.append("expected header \(name): \(String(reflecting: value)), got \(got.map { String(reflecting: $0) } ?? "none")")
            }
        }
        for name in test.removeHeaders where !d.headersToRemove.contains(name) {
            failures.append("expected header \(name) to be removed")
        }
        if let b = test.body, b != d.body { failures.append("expected body \(String(reflecting: b)), got \(String(reflecting: d.body))") }
        if let p = test.policy, p != d.policy { failures.append("expected policy \(p), got \(d.policy ?? "none")") }
        if let r = test.rules, r != d.rules { failures.append("expected rules \(r), got \(d.rules)") }
        if let dr = test.dryRun, dr != d.dryRun { failures.append("expected dry_run \(dr), got \(d.dryRun)") }
        return PolicyTestResult(test: test, decision: d, failures: failures)
    }
}
