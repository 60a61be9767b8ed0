/// Arithmetic, membership, indexing, field selection and map construction.
extension Evaluator {
    static let overflow = CELValue.err("integer overflow")

    static func add(_ x: CELValue, _ y: CELValue, _ c: inout EvalContext) -> CELValue {
        switch (x, y) {
        case (.int(let a), .int(let b)):
            let (r, o) = a.addingReportingOverflow(b)
            return o ? overflow : .int(r)
        case (.uint(let a), .uint(let b)):
            let (r, o) = a.addingReportingOverflow(b)
            return o ? overflow : .uint(r)
        case (.double(let a), .double(let b)): return .double(a + b)
        case (.string(let a), .string(let b)):
            c.cost &+= (a.utf8.count + b.utf8.count) >> 4
            if c.cost > c.maxCost { return costExceeded }
            return .string(a + b)
        case (.bytes(let a), .bytes(let b)):
            c.cost &+= (a.count + b.count) >> 4
            if c.cost > c.maxCost { return costExceeded }
            return .bytes(a + b)
        case (.list(let a), .list(let b)):
            c.cost &+= (a.count + b.count) >> 2
            if c.cost > c.maxCost { return costExceeded }
            return .list(a + b)
        default:
            return applySupport(.add, [x, y])
        }
    }

    static func subtract(_ x: CELValue, _ y: CELValue) -> CELValue {
        switch (x, y) {
        case (.int(let a), .int(let b)):
            let (r, o) = a.subtractingReportingOverflow(b)
            return o ? overflow : .int(r)
        case (.uint(let a), .uint(let b)):
            let (r, o) = a.subtractingReportingOverflow(b)
            return o ? overflow : .uint(r)
        case (.double(let a), .double(let b)): return .double(a - b)
        default:
            return applySupport(.sub, [x, y])
        }
    }

    static func multiply(_ x: CELValue, _ y: CELValue) -> CELValue {
        switch (x, y) {
        case (.int(let a), .int(let b)):
            let (r, o) = a.multipliedReportingOverflow(by: b)
            return o ? overflow : .int(r)
        case (.uint(let a), .uint(let b)):
            let (r, o) = a.multipliedReportingOverflow(by: b)
            return o ? overflow : .uint(r)
        case (.double(let a), .double(let b)): return .double(a * b)
        default: return .noOverload("_*_")
        }
    }

    static func divide(_ x: CELValue, _ y: CELValue) -> CELValue {
        switch (x, y) {
        case (.int(let a), .int(let b)):
            if b == 0 { return .err("divide by zero") }
            let (r, o) = a.dividedReportingOverflow(by: b)
            return o ? overflow : .int(r)
        case (.uint(let a), .uint(let b)):
            if b == 0 { return .err("divide by zero") }
            return .uint(a / b)
        case (.double(let a), .double(let b)): return .double(a / b)
        default: return .noOverload("_/_")
        }
    }

    static func modulo(_ x: CELValue, _ y: CELValue) -> CELValue {
        switch (x, y) {
        case (.int(let a), .int(let b)):
            if b == 0 { return .err("modulus by zero") }
            let (r, o) = a.remainderReportingOverflow(dividingBy: b)
            return o ? overflow : .int(r)
        case (.uint(let a), .uint(let b)):
            if b == 0 { return .err("modulus by zero") }
            return .uint(a % b)
        default: return .noOverload("_%_")
        }
    }

    static func negate(_ x: CELValue) -> CELValue {
        switch x {
        case .int(let a):
            let (r, o) = Int64(0).subtractingReportingOverflow(a)
            return o ? overflow : .int(r)
        case .double(let d): return .double(-d)
        default: return .noOverload("-_")
        }
    }

    static func size(_ x: CELValue) -> CELValue {
        switch x {
        case .string(let s): return .int(Int64(s.unicodeScalars.count))
        case .bytes(let b): return .int(Int64(b.count))
        case .list(let l): return .int(Int64(l.count))
        case .map(let m): return .int(Int64(m.count))
        default: return .noOverload("size")
        }
    }

    /// `element in collection`.
    static func contains(_ collection: CELValue, _ element: CELValue) -> CELValue {
        switch collection {
        case .list(let l):
            for item in l where celEquals(item, element) { return .bool(true) }
            return .bool(false)
        case .map(let m):
            return .bool(m.contains(element))
        default:
            return .noOverload("@in")
        }
    }

    /// `x[?i]`: optional.of(element) when present, optional.none() when absent; chains through optionals.
    static func optionalIndex(_ x: CELValue, _ i: CELValue) -> CELValue {
        switch x {
        case .optional(nil): return x
        case .optional(let v?): return optionalIndex(v, i)
        case .list(let l):
            let r = index(x, i)
            if case .error = r {
                if case .int(let k) = i, k < 0 || k >= Int64(l.count) { return .optional(nil) }
                if case .uint = i { return .optional(nil) }
                return r
            }
            return .optional(r)
        case .map(let m):
            return .optional(m[i])
        default:
            return .noOverload("_[?_]")
        }
    }

    static func isZeroValue(_ v: CELValue) -> Bool {
        switch v {
        case .null: return true
        case .bool(let b): return !b
        case .int(let i): return i == 0
        case .uint(let u): return u == 0
        case .double(let d): return d == 0
        case .string(let s): return s.isEmpty
        case .bytes(let b): return b.isEmpty
        case .list(let l): return l.isEmpty
        case .map(let m): return m.count == 0
        case .duration(let d): return d.seconds == 0 && d.nanos == 0
        case .timestamp(let t): return t.seconds == 0 && t.nanos == 0
        case .optional(let o): return o == nil
        default: return false
        }
    }

    static func index(_ x: CELValue, _ i: CELValue) -> CELValue {
        switch x {
        case .optional: return optionalIndex(x, i)
        case .list(let l):
            let idx: Int64
            switch i {
            case .int(let v): idx = v
            case .uint(let v):
                guard v <= UInt64(Int64.max) else { return .err("index out of range: \(v)") }
                idx = Int64(v)
            case .double(let d):
                guard d.rounded(.towardZero) == d, abs(d) < 9.2e18 else { return .err("invalid_argument: list index \(d) is not an integer") }
                idx = Int64(d)
            default:
                return .err("invalid_argument: list index must be int, not \(i.typeName)")
            }
            guard idx >= 0 && idx < Int64(l.count) else { return .err("index out of range: \(idx)") }
            return l[Int(idx)]
        case .map(let m):
            switch i {
            case .bool, .int, .uint, .string, .double:
                return m[i] ?? .err("no such key: \(i.literal)")
            default:
                return .err("invalid_argument: unsupported map key type \(i.typeName)")
            }
        default:
            return .noOverload("_[_]")
        }
    }

    /// `x.?field`, and field selection on an optional: optional.of(value) or optional.none().
    static func optionalSelect(_ x: CELValue, _ field: String) -> CELValue {
        switch x {
        case .optional(nil): return x
        case .optional(let v?): return optionalSelect(v, field)
        case .map(let m): return .optional(m[string: field])
        case .error: return x
        default: return .err("type '\(x.typeName)' does not support field selection")
        }
    }

    static func select(_ x: CELValue, _ field: String) -> CELValue {
        switch x {
        case .optional: return optionalSelect(x, field)
        case .map(let m): return m[string: field] ?? .err("no such key: \(field)")
        case .error: return x
        default: return .err("type '\(x.typeName)' does not support field selection")
        }
    }

    static func has(_ x: CELValue, _ field: String) -> CELValue {
        switch x {
        case .optional(nil): return .bool(false)
        case .optional(let v?): return has(v, field)
        case .map(let m): return .bool(m[string: field] != nil)
        case .error: return x
        default: return .err("type '\(x.typeName)' does not support field presence tests")
        }
    }

    static func buildMap(_ entries: [(CELValue, CELValue)]) -> CELValue {
        var m = CELMap.Builder(capacity: entries.count)
        for (k, v) in entries {
            if k.isError { return k }
            if v.isError { return v }
            switch k {
            case .bool, .int, .uint, .string: break
            default: return .err("unsupported map key type '\(k.typeName)'")
            }
            if m.contains(k) { return .err("Failed with repeated key: \(k.literal)") }
            m.insert(k, v)
        }
        return .map(m.build())
    }
}
