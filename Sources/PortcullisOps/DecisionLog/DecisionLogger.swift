import Foundation
import Synchronization

/// Writes decision-log lines asynchronously.
///
/// ``log(_:)`` never blocks on I/O: it puts the record in a bounded queue (a brief lock, no allocation
/// beyond the append) and returns; a dedicated thread formats and writes lines in batches. When the
/// queue is full the record is dropped and counted (`portcullis_decision_log_dropped_total`).
/// Allowed decisions are sampled at ``Configuration/allowSampleRate``; denials are always logged.
///
/// ```swift
/// let log = try DecisionLogger(configuration: .init(destination: .stdout, includeInput: true), metrics: metrics)
/// let id = DecisionID.next()        // also put in Envoy dynamic metadata
/// log.log(DecisionRecord(id: id, request: req, decision: d, bundleRevision: rev, evaluationMicros: us))
/// ```
public final class DecisionLogger: Sendable {
    public enum Destination: Sendable, Equatable {
        case stdout
        case file(String)
    }

    public struct Configuration: Sendable {
        public var destination: Destination
        /// Records waiting to be written before new ones are dropped.
        public var queueCapacity: Int
        /// Fraction (0 ... 1) of allowed decisions logged; denials are always logged.
        public var allowSampleRate: Double
        public var format: DecisionLogFormat

        public init(
            destination: Destination = .stdout, queueCapacity: Int = 16_384, allowSampleRate: Double = 1,
            includeInput: Bool = false, masking: Masking = Masking()
        ) {
            self.destination = destination
            self.queueCapacity = max(1, queueCapacity)
            self.allowSampleRate = min(max(allowSampleRate, 0), 1)
            self.format = DecisionLogFormat(masking: masking, includeInput: includeInput)
        }
    }

    private struct Queue {
        var items: [DecisionRecord] = []
        var stopping = false
        var writing = false
    }

    public let configuration: Configuration
    private let sink: any DecisionLogSink
    private let metrics: OpsMetrics?
    // NSCondition: a mutex with a condition variable; held only to append or to take a batch.
    private let condition = NSCondition()
    private nonisolated(unsafe) var queue = Queue()
    private let dropped = Atomic<Int>(0)
    private let written = Atomic<Int>(0)
    private let sampledOut = Atomic<Int>(0)

    /// Opens the destination and starts the writer thread. Throws ``ConfigurationError`` when the file cannot be opened.
    public convenience init(configuration: Configuration, metrics: OpsMetrics? = nil) throws {
        let sink: any DecisionLogSink
        switch configuration.destination {
        case .stdout: sink = FileDescriptorSink.standardOutput()
        case .file(let path): sink = try FileDescriptorSink.appending(to: path)
        }
        self.init(configuration: configuration, sink: sink, metrics: metrics)
    }

    /// With any sink (tests, or another destination).
    public init(configuration: Configuration, sink: any DecisionLogSink, metrics: OpsMetrics? = nil) {
        self.configuration = configuration
        self.sink = sink
        self.metrics = metrics
        let thread = Thread { [self] in writerLoop() }
        thread.name = "portcullis-decision-log"
        thread.start()
    }

    /// Whether a decision with this id and outcome is logged under the sampling rate.
    public func isSampled(allowed: Bool, id: String) -> Bool {
        if !allowed { return true }
        let rate = configuration.allowSampleRate
        if rate >= 1 { return true }
        if rate <= 0 { return false }
        return DecisionID.unit(id) < rate
    }

    /// Queues a record. Returns false when it was sampled out or dropped (queue full or logger stopped).
    @discardableResult
    public func log(_ record: DecisionRecord) -> Bool {
        guard isSampled(allowed: record.decision.allowed, id: record.id) else {
            sampledOut.add(1, ordering: .relaxed)
            return false
        }
        condition.lock()
        let accepted = !queue.stopping && queue.items.count < configuration.queueCapacity
        if accepted {
            queue.items.append(record)
            if queue.items.count == 1 { condition.signal() }
        }
        condition.unlock()
        if !accepted {
            dropped.add(1, ordering: .relaxed)
            metrics?.recordDecisionLogDropped()
        }
        return accepted
    }

    /// Lines dropped (queue full, logger stopped, or a failed write).
    public var droppedCount: Int { dropped.load(ordering: .relaxed) }
    /// Lines written.
    public var writtenCount: Int { written.load(ordering: .relaxed) }
    /// Allowed decisions left out by sampling.
    public var sampledOutCount: Int { sampledOut.load(ordering: .relaxed) }

    /// Waits until every queued line is written, or `timeout` passes. Returns true when drained.
    @discardableResult
    public func flush(timeout: Duration = .seconds(5)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            condition.lock()
            let idle = queue.items.isEmpty && !queue.writing
            condition.unlock()
            if idle { return true }
            Thread.sleep(forTimeInterval: 0.001)
        }
        return false
    }

    /// Writes what is queued, then stops the writer; later records are dropped.
    public func shutdown(timeout: Duration = .seconds(5)) {
        flush(timeout: timeout)
        condition.lock()
        queue.stopping = true
        condition.signal()
        condition.unlock()
    }

    private func writerLoop() {
        while true {
            condition.lock()
            while queue.items.isEmpty && !queue.stopping { condition.wait() }
            if queue.items.isEmpty && queue.stopping {
                condition.unlock()
                return
            }
            let batch = queue.items
            queue.items.removeAll(keepingCapacity: true)
            queue.writing = true
            condition.unlock()

            var bytes: [UInt8] = []
            bytes.reserveCapacity(batch.count * 512)
            for record in batch { configuration.format.appendLine(record, to: &bytes) }
            do {
                try sink.write(bytes)
                written.add(batch.count, ordering: .relaxed)
                metrics?.recordDecisionLogWritten(batch.count)
            } catch {
                dropped.add(batch.count, ordering: .relaxed)
                metrics?.recordDecisionLogDropped(batch.count)
            }
            condition.lock()
            queue.writing = false
            condition.unlock()
        }
    }
}
