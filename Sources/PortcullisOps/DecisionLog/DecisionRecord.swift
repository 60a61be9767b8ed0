import Foundation
import PortcullisModel
import Synchronization

/// Everything one decision-log line is made from. Cheap to build on the hot path (the request and
/// decision are copy-on-write values); the line itself is formatted on the writer thread.
public struct DecisionRecord: Sendable {
    /// The decision id (``DecisionID/next()``), also returned to Envoy in dynamic metadata.
    public var id: String
    /// When the check was decided.
    public var time: Timestamp
    public var request: AuthzRequest
    public var decision: Decision
    /// The revision of the bundle that decided (``BundleMetadata/revision``).
    public var bundleRevision: String
    /// Evaluation time in microseconds.
    public var evaluationMicros: Int64

    public init(
        id: String, time: Timestamp = .now, request: AuthzRequest, decision: Decision, bundleRevision: String,
        evaluationMicros: Int64
    ) {
        self.id = id
        self.time = time
        self.request = request
        self.decision = decision
        self.bundleRevision = bundleRevision
        self.evaluationMicros = evaluationMicros
    }
}

extension Timestamp {
    /// The current wall-clock time.
    public static var now: Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(seconds: Int64(ts.tv_sec), nanos: Int32(ts.tv_nsec))
    }
}

/// Random-looking 128-bit decision ids: 32 lower-case hex digits, unique within the process.
///
/// One atomic increment per id (no system call, no lock): a process-random key is mixed with a counter
/// through SplitMix64, so ids are unpredictable to a caller without the key and never repeat.
public enum DecisionID {
    private static let counter = Atomic<UInt64>(0)
    private static let key: (UInt64, UInt64) = {
        var g = SystemRandomNumberGenerator()
        return (g.next(), g.next())
    }()

    /// A new decision id.
    public static func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        let hi = mix(n &+ key.0)
        let lo = mix(n ^ key.1 &+ 0x9E37_79B9_7F4A_7C15)
        return hex(hi) + hex(lo)
    }

    /// The fraction (0 ..< 1) an id maps to, for sampling.
    static func unit(_ id: String) -> Double {
        guard let v = UInt64(id.prefix(13), radix: 16) else { return 0 }
        return Double(v) / Double(1 << 52)
    }

    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hex(_ v: UInt64) -> String {
        var out = [UInt8](repeating: 0, count: 16)
        var x = v
        for i in stride(from: 15, through: 0, by: -1) {
            out[i] = digits[Int(x & 0xf)]
            x >>= 4
        }
        return String(decoding: out, as: UTF8.self)
    }
}
