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

    /// The line for `record`, without the trailing newline (see ``appendLine(_:to:)``).
    public func line(_ record: DecisionRecord) -> String {
        var bytes: [UInt8] = []
        appendLine(record, to: &bytes)
        return String(decoding: bytes.dropLast(), as: UTF8.self)
    }
}
