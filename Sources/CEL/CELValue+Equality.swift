import CELSupport

extension CELValue: Equatable {
    /// CEL equality: numbers compare by value across int, uint and double; values of different kinds are unequal;
    /// NaN equals nothing. Errors compare by message (for tests).
    public static func == (lhs: CELValue, rhs: CELValue) -> Bool {
        switch (lhs, rhs) {
        case (.error(let a), .error(let b)): return a == b
        default: return celEquals(lhs, rhs)
        }
    }
}

/// CEL `==` on non-error values.
func celEquals(_ lhs: CELValue, _ rhs: CELValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.string(let a), .string(let b)): return StringBytes.equal(a, b)
    case (.int(let a), .int(let b)): return a == b
    case (.uint(let a), .uint(let b)): return a == b
    case (.double(let a), .double(let b)): return a == b
    case (.int, .uint), (.int, .double), (.uint, .int), (.uint, .double), (.double, .int), (.double, .uint):
        return numericCompare(lhs, rhs) == 0
    case (.bytes(let a), .bytes(let b)): return a == b
    case (.list(let a), .list(let b)):
        guard a.count == b.count else { return false }
        for i in a.indices where !celEquals(a[i], b[i]) { return false }
        return true
    case (.map(let a), .map(let b)):
        guard a.count == b.count else { return false }
        for (k, v) in a.entries {
            guard let w = b[k], celEquals(v, w) else { return false }
        }
        return true
    case (.timestamp(let a), .timestamp(let b)): return a == b
    case (.duration(let a), .duration(let b)): return a == b
    case (.type(let a), .type(let b)): return a == b
    case (.ip(let a), .ip(let b)): return a == b || unmapped(a) == unmapped(b)
    case (.cidr(let a), .cidr(let b)): return a == b
    case (.error(let a), .error(let b)): return a == b
    case (.optional(nil), .optional(nil)): return true
    case (.optional(let a?), .optional(let b?)): return celEquals(a, b)
    default: return false
    }
}

/// Orders two numbers of any numeric kind exactly: -1, 0, 1, or nil when either is NaN or not a number.
func numericCompare(_ lhs: CELValue, _ rhs: CELValue) -> Int? {
    switch (lhs, rhs) {
    case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    case (.uint(let a), .uint(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    case (.double(let a), .double(let b)):
        if a.isNaN || b.isNaN { return nil }
        return a < b ? -1 : (a == b ? 0 : 1)
    case (.int(let a), .uint(let b)):
        if a < 0 { return -1 }
        let ua = UInt64(a)
        return ua < b ? -1 : (ua == b ? 0 : 1)
    case (.uint, .int): return numericCompare(rhs, lhs).map { -$0 }
    case (.int(let a), .double(let b)): return compareIntDouble(a, b)
    case (.double, .int): return numericCompare(rhs, lhs).map { -$0 }
    case (.uint(let a), .double(let b)): return compareUIntDouble(a, b)
    case (.double, .uint): return numericCompare(rhs, lhs).map { -$0 }
    default: return nil
    }
}

// CEL compares int and uint with double by converting the integer to double (as cel-go does).
private func compareIntDouble(_ a: Int64, _ b: Double) -> Int? {
    if b.isNaN { return nil }
    let x = Double(a)
    return x < b ? -1 : (x == b ? 0 : 1)
}

private func compareUIntDouble(_ a: UInt64, _ b: Double) -> Int? {
    if b.isNaN { return nil }
    let x = Double(a)
    return x < b ? -1 : (x == b ? 0 : 1)
}

/// CEL ordering (`<` etc.): -1/0/1, or nil when the kinds cannot be ordered (no such overload).
/// NaN compares as "unordered": returns 2 so every comparison is false.
func celCompare(_ lhs: CELValue, _ rhs: CELValue) -> Int? {
    switch (lhs, rhs) {
    case (.int, .int), (.int, .uint), (.int, .double), (.uint, .int), (.uint, .uint), (.uint, .double),
         (.double, .int), (.double, .uint), (.double, .double):
        return numericCompare(lhs, rhs) ?? 2
    case (.string(let a), .string(let b)):
        // CEL orders strings by code point; UTF-8 byte order equals code point order.
        return compareBytes(a.utf8, b.utf8)
    case (.bytes(let a), .bytes(let b)): return compareBytes(a, b)
    case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
    case (.timestamp(let a), .timestamp(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    case (.duration(let a), .duration(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    default: return nil
    }
}

private func compareBytes<C: Collection>(_ a: C, _ b: C) -> Int where C.Element == UInt8 {
    var i = a.makeIterator(), j = b.makeIterator()
    while true {
        switch (i.next(), j.next()) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let x?, let y?): if x != y { return x < y ? -1 : 1 }
        }
    }
}

/// The IPv4 bytes of an IPv4-mapped IPv6 address (so `::ffff:c0a8:1` equals `192.168.0.1`), else all bytes.
private func unmapped(_ a: IPAddress) -> [UInt8] {
    a.isIPv4Mapped ? Array(a.bytes.suffix(4)) : a.bytes
}
