#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PortcullisModel

extension AdminServer {
    /// The `/bundle` document.
    static func bundleJSONText(_ s: BundleStatus) -> String {
        func time(_ d: Date?) -> JSONValue {
            guard let d else { return .null }
            let secs = d.timeIntervalSince1970
            let whole = secs.rounded(.down)
            let millis = min(Int32(((secs - whole) * 1000).rounded(.down)), 999)
            return .string(Timestamp(seconds: Int64(whole), nanos: millis * 1_000_000).rfc3339)
        }
        var o: [String: JSONValue] = [
            "active": .bool(s.metadata != nil),
            "revision": s.metadata.map { .string($0.revision) } ?? .null,
            "source": s.metadata.map { .string($0.source) } ?? .null,
            "loaded_at": time(s.metadata?.loadedAt),
            "from_persisted": .bool(s.metadata?.fromPersisted ?? false),
            "digest": s.metadata.map { .string($0.digest) } ?? .null,
            "last_refresh": time(s.lastRefresh),
            "last_failure": .null,
        ]
        if let f = s.lastFailure {
            o["last_failure"] = .object(["at": time(f.at), "message": .string(f.message)])
        }
        return JSONValue.object(o).serialized()
    }
}
