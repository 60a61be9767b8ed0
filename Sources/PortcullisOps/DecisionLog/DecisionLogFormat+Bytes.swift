import PortcullisModel

extension DecisionLogFormat {
    /// Appends the line for `record` and a newline to `out`, as UTF-8. Same content and key order as
    /// ``line(_:)``, written straight into bytes: the writer thread formats every decision, and on a
    /// 2-core sidecar building `JSONValue` trees and appending `String`s scalar by scalar cost about
    /// a third of the check throughput.
    public func appendLine(_ record: DecisionRecord, to out: inout [UInt8]) {
        let r = record.request
        let d = record.decision
        var w = JSONBytes(out: out)
        out = []
        w.raw("{\"allowed\":")
        w.raw(d.allowed ? "true" : "false")
        w.key("bundle_revision"); w.string(record.bundleRevision)
        w.key("decision_id"); w.string(record.id)
        w.key("destination_principal"); w.string(r.destination.principal)
        w.key("dry_run"); w.raw(d.dryRun ? "true" : "false")
        w.key("errors"); w.raw("[")
        for (i, e) in d.errors.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(e)
        }
        w.raw("]")
        w.key("eval_us"); w.int(record.evaluationMicros)
        w.key("host"); w.string(r.http?.host ?? "")
        w.key("method"); w.string(r.http?.method ?? "")
        w.key("path"); w.string(masking.maskPath(r.http?.path ?? ""))
        w.key("policy")
        if let p = d.policy { w.string(p) } else { w.raw("null") }
        w.key("rules"); w.raw("[")
        for (i, rule) in d.rules.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(rule)
        }
        w.raw("]")
        w.key("source_address"); w.string(r.source.address)
        w.key("source_principal"); w.string(r.source.principal)
        w.key("status"); w.int(Int64(d.allowed ? 200 : d.httpStatus))
        w.key("time"); w.string(record.time.rfc3339)
        w.key("trace"); w.raw("{")
        var first = true
        if let http = r.http {
            for name in Self.sortedTraceHeaders {
                guard let v = http.headers[name] else { continue }
                if !first { w.raw(",") }
                first = false
                w.string(name); w.raw(":"); w.string(v)
            }
        }
        w.raw("}")
        if includeInput {
            w.key("input")
            w.raw(masking.apply(to: r).checkRequestJSON())
        }
        w.raw("}\n")
        out = w.out
    }

    /// ``traceHeaders`` in key order, as `line(_:)` writes them.
    static let sortedTraceHeaders = traceHeaders.sorted()
}

/// A minimal JSON writer into UTF-8 bytes.
struct JSONBytes {
    var out: [UInt8]

    mutating func raw(_ s: String) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    mutating func key(_ name: StaticString) {
        out.append(UInt8(ascii: ","))
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func int(_ v: Int64) {
        raw(String(v))
    }

    /// `s` as a JSON string literal: `"`, `\` and control characters escaped, the rest copied as UTF-8.
    mutating func string(_ s: String) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for (i, b) in bytes.enumerated() where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[start..<i])
                start = i + 1
                switch b {
                case UInt8(ascii: "\""): out += [0x5C, 0x22]
                case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, UInt8(ascii: "n")]
                case 0x0D: out += [0x5C, UInt8(ascii: "r")]
                case 0x09: out += [0x5C, UInt8(ascii: "t")]
                case 0x08: out += [0x5C, UInt8(ascii: "b")]
                case 0x0C: out += [0x5C, UInt8(ascii: "f")]
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
                }
            }
            out.append(contentsOf: bytes[start...])
        }
        out.append(UInt8(ascii: "\""))
    }
}
