import Foundation

/// Parses durations given to flags: `250ms`, `30s`, `5m`, `1h`, `1h30m`, or a bare number of seconds.
public enum DurationText {
    /// Parses `text`; `option` names the flag in the error. Throws ``ConfigurationError``.
    public static func parse(_ text: String, option: String) throws(ConfigurationError) -> Duration {
        let bad = ConfigurationError("\(option): '\(text)' is not a duration (e.g. 500ms, 30s, 5m, 1h)")
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty else { throw bad }
        if let secs = Double(t) {
            guard secs >= 0, secs.isFinite, secs < 1e9 else { throw bad }
            return .milliseconds(Int64((secs * 1000).rounded()))
        }
        var total: Duration = .zero
        var number = ""
        var unit = ""
        var parts: [(String, String)] = []
        for c in t {
            if c.isNumber || c == "." {
                if !unit.isEmpty {
                    parts.append((number, unit))
                    number = ""
                    unit = ""
                }
                number.append(c)
            } else if c.isLetter || c == "µ" {
                guard !number.isEmpty else { throw bad }
                unit.append(c)
            } else {
                throw bad
            }
        }
        guard !number.isEmpty, !unit.isEmpty else { throw bad }
        parts.append((number, unit))
        for (n, u) in parts {
            guard let v = Double(n), v.isFinite, v < 1e9 else { throw bad }
            let nanos: Double
            switch u {
            case "ns": nanos = v
            case "us", "µs": nanos = v * 1e3
            case "ms": nanos = v * 1e6
            case "s": nanos = v * 1e9
            case "m": nanos = v * 60e9
            case "h": nanos = v * 3600e9
            default: throw bad
            }
            total += .nanoseconds(Int64(nanos.rounded()))
        }
        return total
    }

    /// Seconds as a `TimeInterval` (for `--max-bundle-age`).
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

