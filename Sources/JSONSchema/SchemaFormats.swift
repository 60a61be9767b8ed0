/// The `format` assertions: RFC 3339 date-time, a practical e-mail address, RFC 4122 UUID text.
///
/// Each check reads the string's UTF-8 bytes in place (no copy, no allocation for native strings). Every format
/// accepts only ASCII, so reading bytes is the same as reading characters: a non-ASCII byte fails all of them.
enum SchemaFormats {
    static func check(_ format: SchemaFormat, _ s: String) -> Bool {
        if let result = s.utf8.withContiguousStorageIfAvailable({ check(format, $0) }) { return result }
        return Array(s.utf8).withUnsafeBufferPointer { check(format, $0) }
    }

    static func check(_ format: SchemaFormat, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        switch format {
        case .dateTime: return isDateTime(b)
        case .email: return isEmail(b)
        case .uuid: return isUUID(b)
        }
    }

    static func digits(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ count: Int) -> Int? {
        guard from + count <= b.count else { return nil }
        var v = 0
        for i in from..<(from + count) {
            let c = b[i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }

    static func isDateTime(_ b: [UInt8]) -> Bool {
        b.withUnsafeBufferPointer { isDateTime($0) }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, `T`/`Z` in either case, ranges checked (leap years,
    /// leap second 60 allowed as RFC 3339 does).
    static func isDateTime(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count >= 20,
              let year = digits(b, 0, 4), b[4] == UInt8(ascii: "-"),
              let month = digits(b, 5, 2), b[7] == UInt8(ascii: "-"),
              let day = digits(b, 8, 2),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              let hour = digits(b, 11, 2), b[13] == UInt8(ascii: ":"),
              let minute = digits(b, 14, 2), b[16] == UInt8(ascii: ":"),
              let second = digits(b, 17, 2)
        else { return false }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60
        else { return false }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            if i == start { return false }
        }
        guard i < b.count else { return false }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count,
              let oh = digits(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"), let om = digits(b, i + 4, 2)
        else { return false }
        return oh <= 23 && om <= 59
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func isEmail(_ s: String) -> Bool { check(.email, s) }

    /// `local@domain`: a dot-atom local part (at most 64 bytes) and a host name of LDH labels.
    static func isEmail(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        // Exactly one "@", splitting the text into a non-empty local part and domain.
        var at = -1
        for i in 0..<b.count where b[i] == UInt8(ascii: "@") {
            if at >= 0 { return false }
            at = i
        }
        guard at > 0, at <= 64 else { return false }
        let domainLength = b.count - at - 1
        guard domainLength > 0, domainLength <= 253 else { return false }
        // Dot-separated atoms, none empty, each of atext.
        var atomLength = 0
        for i in 0..<at {
            let c = b[i]
            if c == UInt8(ascii: ".") {
                if atomLength == 0 { return false }
                atomLength = 0
            } else {
                guard isAtext(c) else { return false }
                atomLength += 1
            }
        }
        if atomLength == 0 { return false }
        return isHostName(UnsafeBufferPointer(rebasing: b[(at + 1)...]))
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ c: UInt8) -> Bool {
        if isAlnum(c) { return true }
        switch c {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
            UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Dot-separated labels, each 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen.
    static func isHostName(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        var i = 0
        while true {
            if i == b.count || b[i] == UInt8(ascii: ".") {
                let length = i - start
                guard length > 0, length <= 63,
                      b[start] != UInt8(ascii: "-"), b[i - 1] != UInt8(ascii: "-")
                else { return false }
                if i == b.count { return true }
                start = i + 1
            } else if !(isAlnum(b[i]) || b[i] == UInt8(ascii: "-")) {
                return false
            }
            i += 1
        }
    }

    static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }

    static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }

    /// `8-4-4-4-12` hexadecimal digits.
    static func isUUID(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 36 else { return false }
        for i in 0..<36 {
            let c = b[i]
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if c != UInt8(ascii: "-") { return false }
            } else if !isHex(c) {
                return false
            }
        }
        return true
    }
}
