import CELSupport
import LinearRegex

/// Timestamps, durations, IP/CIDR and base64: the functions backed by the CELSupport and LinearRegex modules.
extension Evaluator {
    static let nanosPerSecond: Int128 = 1_000_000_000

    static func applySupport(_ f: Function, _ args: [CELValue]) -> CELValue {
        switch (f, args.count) {
        case (.add, 2), (.sub, 2):
            return timeArithmetic(f, args[0], args[1])
        case (.toInt, 1):
            if case .timestamp(let t) = args[0] { return .int(t.seconds) }
        case (.toString, 1):
            switch args[0] {
            case .timestamp(let t): return .string(CivilTime.formatTimestamp(t))
            case .duration(let d): return .string(CivilTime.formatDuration(d))
            case .ip(let a): return .string(a.description)
            case .cidr(let n): return .string(n.description)
            default: break
            }
        case (.toTimestamp, 1):
            switch args[0] {
            case .timestamp: return args[0]
            case .string(let s):
                guard let t = CivilTime.parseTimestamp(s) else { return .err("cannot parse timestamp '\(s)'") }
                return CivilTime.isValid(t) ? .timestamp(t) : .err("range error: timestamp out of range")
            case .int(let i):
                let t = CELTimestamp(seconds: i, nanos: 0)
                return CivilTime.isValid(t) ? .timestamp(t) : .err("range error: timestamp out of range")
            default: break
            }
        case (.toDuration, 1):
            switch args[0] {
            case .duration: return args[0]
            case .string(let s):
                guard let d = CivilTime.parseDuration(s) else { return .err("cannot parse duration '\(s)'") }
                return CivilTime.isValid(d) ? .duration(d) : .err("range error: duration out of range")
            default: break
            }
        case (.getFullYear, _), (.getMonth, _), (.getDate, _), (.getDayOfMonth, _), (.getDayOfWeek, _),
             (.getDayOfYear, _), (.getHours, _), (.getMinutes, _), (.getSeconds, _), (.getMilliseconds, _):
            return timeAccessor(f, args)
        case (.ip, 1):
            guard case .string(let s) = args[0] else { break }
            guard let a = IPAddress.parse(s) else { return .err("IP address parse error: invalid IP address '\(s)'") }
            if a.isIPv4Mapped && s.contains(".") { return .err("IPv4-mapped IPv6 address is not allowed: '\(s)'") }
            return .ip(a)
        case (.cidr, 1):
            guard case .string(let s) = args[0] else { break }
            guard s.contains("/"), let n = CIDR.parse(s) else { return .err("network address parse error: invalid CIDR '\(s)'") }
            if n.address.isIPv4Mapped && s.contains(".") { return .err("IPv4-mapped IPv6 address is not allowed: '\(s)'") }
            return .cidr(n)
        case (.isIP, 1):
            guard case .string(let s) = args[0] else { break }
            return .bool(IPAddress.parse(s) != nil)
        case (.isCIDR, 1):
            guard case .string(let s) = args[0] else { break }
            return .bool(s.contains("/") && CIDR.parse(s) != nil)
        case (.ipIsCanonical, 1):
            guard case .string(let s) = args[0] else { break }
            guard let a = IPAddress.parse(s) else { return .err("IP address parse error: invalid IP address '\(s)'") }
            return .bool(a.description == s)
        case (.family, 1):
            if case .ip(let a) = args[0] { return .int(a.isIPv4 ? 4 : 6) }
        case (.isLoopback, 1):
            if case .ip(let a) = args[0] { return .bool(a.isLoopback) }
        case (.isUnspecified, 1):
            if case .ip(let a) = args[0] { return .bool(a.isUnspecified) }
        case (.isGlobalUnicast, 1):
            if case .ip(let a) = args[0] { return .bool(a.isGlobalUnicast) }
        case (.isLinkLocalUnicast, 1):
            if case .ip(let a) = args[0] { return .bool(a.isLinkLocalUnicast) }
        case (.isLinkLocalMulticast, 1):
            if case .ip(let a) = args[0] {
                let b = a.bytes
                if a.isIPv4 { return .bool(b.count == 4 && b[0] == 224 && b[1] == 0 && b[2] == 0) }
                return .bool(b.count == 16 && b[0] == 0xFF && (b[1] & 0x0F) == 0x02)
            }
        case (.containsIP, 2):
            guard case .cidr(let n) = args[0] else { break }
            switch args[1] {
            case .ip(let a): return .bool(n.contains(a))
            case .string(let s):
                guard let a = IPAddress.parse(s) else { return .err("IP address parse error: invalid IP address '\(s)'") }
                return .bool(n.contains(a))
            default: break
            }
        case (.containsCIDR, 2):
            guard case .cidr(let n) = args[0] else { break }
            switch args[1] {
            case .cidr(let o): return .bool(n.contains(o))
            case .string(let s):
                guard let o = CIDR.parse(s) else { return .err("network address parse error: invalid CIDR '\(s)'") }
                return .bool(n.contains(o))
            default: break
            }
        case (.cidrIP, 1):
            if case .cidr(let n) = args[0] { return .ip(n.address) }
        case (.masked, 1):
            if case .cidr(let n) = args[0] { return .cidr(n.masked) }
        case (.prefixLength, 1):
            if case .cidr(let n) = args[0] { return .int(Int64(n.prefixLength)) }
        case (.base64Encode, 1):
            if case .bytes(let b) = args[0] { return .string(Base64.encode(b)) }
        case (.base64Decode, 1):
            if case .string(let s) = args[0] {
                guard let b = Base64.decode(s) else { return .err("base64.decode: invalid base64 input") }
                return .bytes(b)
            }
        default:
            break
        }
        return .noOverload(f.rawValue)
    }

    static func matchDynamic(_ s: String, _ pattern: String) -> CELValue {
        do {
            return .bool(try LinearRegex(pattern).search(s))
        } catch {
            return .err("invalid regular expression '\(pattern)': \(error.message)")
        }
    }

    static func nanos(_ t: CELTimestamp) -> Int128 { Int128(t.seconds) * nanosPerSecond + Int128(t.nanos) }
    static func nanos(_ d: CELDuration) -> Int128 { Int128(d.seconds) * nanosPerSecond + Int128(d.nanos) }

    static func timestamp(nanos n: Int128) -> CELValue {
        var s = n / nanosPerSecond
        var r = n % nanosPerSecond
        if r < 0 { r += nanosPerSecond; s -= 1 }
        guard s >= Int128(Int64.min), s <= Int128(Int64.max) else { return .err("range error: timestamp out of range") }
        let t = CELTimestamp(seconds: Int64(s), nanos: Int32(r))
        return CivilTime.isValid(t) ? .timestamp(t) : .err("range error: timestamp out of range")
    }

    static func duration(nanos n: Int128) -> CELValue {
        let s = n / nanosPerSecond
        let r = n % nanosPerSecond
        guard s >= Int128(Int64.min), s <= Int128(Int64.max) else { return .err("range error: duration out of range") }
        let d = CELDuration(seconds: Int64(s), nanos: Int32(r))
        return CivilTime.isValid(d) ? .duration(d) : .err("range error: duration out of range")
    }

    static func timeArithmetic(_ f: Function, _ x: CELValue, _ y: CELValue) -> CELValue {
        switch (f, x, y) {
        case (.add, .timestamp(let t), .duration(let d)), (.add, .duration(let d), .timestamp(let t)):
            return timestamp(nanos: nanos(t) + nanos(d))
        case (.add, .duration(let a), .duration(let b)):
            return duration(nanos: nanos(a) + nanos(b))
        case (.sub, .timestamp(let t), .duration(let d)):
            return timestamp(nanos: nanos(t) - nanos(d))
        case (.sub, .timestamp(let a), .timestamp(let b)):
            // Like cel-go, the difference of two timestamps must fit in 64-bit nanoseconds (about 292 years).
            let n = nanos(a) - nanos(b)
            guard n >= Int128(Int64.min), n <= Int128(Int64.max) else { return .err("range error: duration out of range") }
            return duration(nanos: n)
        case (.sub, .duration(let a), .duration(let b)):
            return duration(nanos: nanos(a) - nanos(b))
        default:
            return .noOverload(f.rawValue)
        }
    }

    static func timeAccessor(_ f: Function, _ args: [CELValue]) -> CELValue {
        if case .duration(let d) = args[0], args.count == 1 {
            switch f {
            case .getHours: return .int(d.seconds / 3600)
            case .getMinutes: return .int(d.seconds / 60)
            case .getSeconds: return .int(d.seconds)
            case .getMilliseconds: return .int(Int64(d.nanos) / 1_000_000)
            default: return .noOverload(f.rawValue)
            }
        }
        guard case .timestamp(let t) = args[0] else { return .noOverload(f.rawValue) }
        var zone: String? = nil
        if args.count == 2 {
            guard case .string(let z) = args[1] else { return .noOverload(f.rawValue) }
            // "02:00" means "+02:00".
            if let first = z.utf8.first, Lexer.isDigit(first) { zone = "+" + z } else { zone = z }
        }
        guard let c = CivilTime.components(of: t, timeZone: zone) else {
            return .err("unknown time zone '\(zone ?? "")'")
        }
        switch f {
        case .getFullYear: return .int(Int64(c.year))
        case .getMonth: return .int(Int64(c.month - 1))
        case .getDate: return .int(Int64(c.day))
        case .getDayOfMonth: return .int(Int64(c.day - 1))
        case .getDayOfWeek: return .int(Int64(c.dayOfWeek))
        case .getDayOfYear: return .int(Int64(c.dayOfYear))
        case .getHours: return .int(Int64(c.hour))
        case .getMinutes: return .int(Int64(c.minute))
        case .getSeconds: return .int(Int64(c.second))
        case .getMilliseconds: return .int(Int64(c.millisecond))
        default: return .noOverload(f.rawValue)
        }
    }
}
