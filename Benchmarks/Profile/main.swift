// A plain loop of decisions for the example bundle, for profilers (valgrind --tool=callgrind, perf record): unlike the
// benchmark suites it has no harness around the loop. See docs/BENCHMARKS.md, "Profiling a decision".
//
//   DecideProfile read N          the storefront's read (the request `make bench-server` sends), N times
//   DecideProfile "TEXT" N        the first test request of policies/tests whose name contains TEXT, N times
//   DecideProfile each N          every test request N times in turn; prints nanoseconds per decision, sorted
import ExampleRequests
import Foundation
import PortcullisModel
import PortcullisPolicy

let policies: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Benchmarks/Profile/main.swift
    return parts.joined(separator: "/") + "/policies"
}()

let arguments = CommandLine.arguments
guard arguments.count == 3, let n = Int(arguments[2]), n > 0 else {
    print("usage: DecideProfile read|each|TEXT N")
    exit(2)
}
let example = try BundleLoader.load(path: policies)

if arguments[1] == "each" {
    var rows: [(nanoseconds: Double, name: String)] = []
    for test in example.tests {
        let start = ContinuousClock.now
        for _ in 0..<n { _ = example.decide(test.request) }
        let elapsed = (ContinuousClock.now - start).components
        let total = Double(elapsed.seconds) * 1e9 + Double(elapsed.attoseconds) / 1e9
        rows.append((total / Double(n), test.name))
    }
    for row in rows.sorted(by: { $0.nanoseconds < $1.nanoseconds }) {
        print(String(format: "%8.0f ns  ", row.nanoseconds) + row.name)
    }
} else {
    let request: AuthzRequest
    if arguments[1] == "read" {
        request = try RequestDocument.parse(Array(ExampleRequests.storefrontRead.utf8))
    } else if let test = example.tests.first(where: { $0.name.contains(arguments[1]) }) {
        request = test.request
    } else {
        print("no test request of \(policies)/tests is named like \(arguments[1])")
        exit(2)
    }
    var allowed = 0
    for _ in 0..<n where example.decide(request).allowed { allowed += 1 }
    print("\(allowed) of \(n) allowed")
}
