import PortcullisModel

/// Formats decision-log lines: one JSON object per decision, keys sorted, `input` last.
///
/// Fields: `time` (RFC 3339, UTC), `decision_id`, `trace` (the `x-request-id`, `traceparent`,
/// `tracestate`, `b3` and `x-b3-*` headers present), `source_principal`, `destination_principal`,
/// `source_address`, `method`, `host`, `path` (query secrets masked), `policy`, `rules`, `allowed`,
/// `status` (HTTP), `dry_run`, `errors`, `bundle_revision`, `eval_us`, and with `includeInput` the
/// masked request as `input`, in `CheckRequest`'s proto3 JSON form (what `portcullis check` reads).
public struct DecisionLogFormat: Sendable {
    public static let traceHeaders = [
        "x-request-id", "traceparent", "tracestate", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid",
        "x-b3-sampled", "x-b3-flags",
    ]

    public var masking: Masking
    public var includeInput: Bool

    public init(masking: Masking = Masking(), includeInput: Bool = false) {
        self.masking = masking
        self.includeInput = includeInput
    }

    /// The line for `record`, without the trailing newline.
    public func line(_ record: DecisionRecord) -> String {
        let r = record.request
        let d = record.decision
        var trace: [String: JSONValue] = [:]
        if let http = r.http {
            for name in Self.traceHeaders {
                if let v = http.headers[name] { trace[name] = .string(v) }
            }
        }
        var o: [String: JSONValue] = [
            "time": .string(record.time.rfc3339),
            "decision_id": .string(record.id),
            "trace": .object(trace),
            "source_principal": .string(r.source.principal),
            "destination_principal": .string(r.destination.principal),
            "source_address": .string(r.source.address),
            "method": .string(r.http?.method ?? ""),
            "host": .string(r.http?.host ?? ""),
            "path": .string(masking.maskPath(r.http?.path ?? "")),
            "policy": d.policy.map { .string($0) } ?? .null,
            "rules": .array(d.rules.map { .string($0) }),
            "allowed": .bool(d.allowed),
            "status": .number(Double(d.allowed ? 200 : d.httpStatus)),
            "dry_run": .bool(d.dryRun),
            "errors": .array(d.errors.map { .string($0) }),
            "bundle_revision": .string(record.bundleRevision),
            "eval_us": .number(Double(record.evaluationMicros)),
        ]
        if !includeInput { return JSONValue.object(o).serialized() }
        o["input"] = nil
        var text = JSONValue.object(o).serialized()
        text.removeLast()
        text += ",\"input\":" + masking.apply(to: r).checkRequestJSON() + "}"
        return text
    }
}
