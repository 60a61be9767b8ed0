import Foundation
import PortcullisModel
import Synchronization
import Testing
@testable import PortcullisOps

/// Collects lines; optionally blocks every write until released (a slow disk).
final class MemorySink: DecisionLogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    let gate = DispatchSemaphore(value: 0)
    /// Signalled each time a blocking write starts waiting on `gate`.
    let entered = DispatchSemaphore(value: 0)
    let blocking: Bool
    var failing = false

    init(blocking: Bool = false) { self.blocking = blocking }

    func write(_ bytes: [UInt8]) throws {
        if blocking {
            entered.signal()
            gate.wait()
        }
        if lock.withLock({ failing }) { throw FileDescriptorSink.WriteError(errno: EIO) }
        lock.withLock { text += String(decoding: bytes, as: UTF8.self) }
    }

    var lines: [String] { lock.withLock { text.split(separator: "\n").map(String.init) } }
}

@Suite struct DecisionLoggerTests {
    func record(allowed: Bool, id: String = DecisionID.next()) -> DecisionRecord {
        DecisionRecord(
            id: id, request: AuthzRequest(http: HTTPRequestInfo(method: "GET", path: "/")),
            decision: Decision(allowed: allowed), bundleRevision: "r", evaluationMicros: 1)
    }

    @Test func writesOneLinePerDecision() throws {
        let sink = MemorySink()
        let metrics = OpsMetrics()
        let log = DecisionLogger(configuration: .init(), sink: sink, metrics: metrics)
        let ids = (0..<50).map { _ in DecisionID.next() }
        for id in ids { #expect(log.log(record(allowed: true, id: id))) }
        #expect(log.flush())
        let lines = sink.lines
        #expect(lines.count == 50)
        let logged = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["decision_id"] as? String }
        #expect(logged == ids)
        #expect(log.writtenCount == 50)
        #expect(metrics.exposition().contains("portcullis_decision_log_written_total 50"))
    }

    @Test func aSlowSinkNeverBlocksAndDropsAreCounted() throws {
        let sink = MemorySink(blocking: true)
        let metrics = OpsMetrics()
        let log = DecisionLogger(configuration: .init(queueCapacity: 10), sink: sink, metrics: metrics)
        // The writer takes the first record and blocks on the sink; 10 more fill the queue.
        #expect(log.log(record(allowed: false)))
        // Wait (not a timed sleep) until the writer is stuck in the sink with that first record.
        #expect(sink.entered.wait(timeout: .now() + 30) == .success)
        var accepted = 0
        // Returning at all proves enqueueing never waits on the stuck write.
        for _ in 0..<1000 where log.log(record(allowed: false)) { accepted += 1 }
        #expect(accepted == 10)
        #expect(log.droppedCount == 990)
        #expect(metrics.exposition().contains("portcullis_decision_log_dropped_total 990"))
        for _ in 0..<20 { sink.gate.signal() }
        #expect(log.flush())
        #expect(sink.lines.count == 11)
    }

    @Test func failedWritesCountAsDropped() {
        let sink = MemorySink()
        sink.failing = true
        let log = DecisionLogger(configuration: .init(), sink: sink)
        log.log(record(allowed: false))
        log.log(record(allowed: false))
        #expect(log.flush())
        #expect(log.droppedCount == 2)
        #expect(log.writtenCount == 0)
    }

    @Test func samplingKeepsEveryDenial() {
        let sink = MemorySink()
        let log = DecisionLogger(configuration: .init(allowSampleRate: 0.25), sink: sink)
        var allowedLogged = 0
        for _ in 0..<4000 { if log.log(record(allowed: true)) { allowedLogged += 1 } }
        for _ in 0..<100 { #expect(log.log(record(allowed: false))) }
        #expect(log.flush())
        #expect(allowedLogged > 800 && allowedLogged < 1200)
        #expect(log.sampledOutCount == 4000 - allowedLogged)
        #expect(sink.lines.count == allowedLogged + 100)
        let none = DecisionLogger(configuration: .init(allowSampleRate: 0), sink: MemorySink())
        #expect(!none.log(record(allowed: true)))
        #expect(none.log(record(allowed: false)))
    }

    @Test func writesToAFile() throws {
        let scratch = try Scratch()
        let path = scratch.path + "/decisions.log"
        let log = try DecisionLogger(configuration: .init(destination: .file(path)))
        log.log(record(allowed: false, id: "00000000000000000000000000000001"))
        log.shutdown()
        let text = try #require(Scratch.read(path))
        #expect(text.hasSuffix("\n"))
        #expect(text.contains(#""decision_id":"00000000000000000000000000000001""#))
        #expect(!log.log(record(allowed: false)))
        #expect(throws: ConfigurationError.self) {
            try DecisionLogger(configuration: .init(destination: .file("/nonexistent-dir/x.log")))
        }
    }
}
