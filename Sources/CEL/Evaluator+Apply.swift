/// Function dispatch by resolved function and runtime argument kinds (arguments are never errors here).
extension Evaluator {
    /// Applies a function to already evaluated arguments (used by constant folding and n-ary calls).
    static func apply(_ f: Function, _ args: [CELValue]) -> CELValue {
        for a in args where a.isError { return a }
        var c = EvalContext(limits: CELLimits())
        switch args.count {
        case 1: return apply1(f, args[0], &c)
        case 2: return apply2(f, args[0], args[1], &c)
        default: return applyN(f, args, &c)
        }
    }

    static func apply1(_ f: Function, _ x: CELValue, _ c: inout EvalContext) -> CELValue {
        switch f {
        case .optionalOf: return .optional(x)
        case .optionalOfNonZero: return .optional(isZeroValue(x) ? nil : x)
        case .hasValue:
            guard case .optional(let o) = x else { return .noOverload("hasValue") }
            return .bool(o != nil)
        case .value:
            guard case .optional(let o) = x else { return .noOverload("value") }
            return o ?? .err("optional.none() dereference")
        case .neg: return negate(x)
        case .not:
            if case .bool(let b) = x { return .bool(!b) }
            return .noOverload("!_")
        case .size: return size(x)
        case .toInt: return toInt(x)
        case .toUint: return toUint(x)
        case .toDouble: return toDouble(x)
        case .toString: return toString(x)
        case .toBytes: return toBytes(x)
        case .toBool: return toBool(x)
        case .toType: return .type(x.typeName)
        case .toDyn: return x
        case .stringsQuote:
            guard case .string(let s) = x else { return .noOverload("strings.quote") }
            return .string(quote(s))
        case .lowerAscii, .upperAscii, .trim, .reverse, .join:
            return stringFunction(f, [x], &c)
        default:
            if f.isMath { return mathFunction(f, [x]) }
            return applySupport(f, [x])
        }
    }

    static func apply2(_ f: Function, _ x: CELValue, _ y: CELValue, _ c: inout EvalContext) -> CELValue {
        switch f {
        case .add: return add(x, y, &c)
        case .sub: return subtract(x, y)
        case .mul: return multiply(x, y)
        case .div: return divide(x, y)
        case .mod: return modulo(x, y)
        case .eq: return .bool(celEquals(x, y))
        case .ne: return .bool(!celEquals(x, y))
        case .lt, .le, .gt, .ge:
            guard let o = celCompare(x, y) else { return .noOverload(f.rawValue) }
            if o == 2 { return .bool(false) }
            switch f {
            case .lt: return .bool(o < 0)
            case .le: return .bool(o <= 0)
            case .gt: return .bool(o > 0)
            default: return .bool(o >= 0)
            }
        case .in: return contains(y, x)
        case .index: return index(x, y)
        case .optIndex: return optionalIndex(x, y)
        case .or:
            guard case .optional(let o) = x, case .optional = y else { return .noOverload("or") }
            return o == nil ? y : x
        case .orValue:
            guard case .optional(let o) = x else { return .noOverload("orValue") }
            return o ?? y
        case .startsWith:
            guard case .string(let s) = x, case .string(let p) = y else { return .noOverload("startsWith") }
            return .bool(StringBytes.hasPrefix(s, p))
        case .endsWith:
            guard case .string(let s) = x, case .string(let p) = y else { return .noOverload("endsWith") }
            return .bool(StringBytes.hasSuffix(s, p))
        case .contains:
            guard case .string(let s) = x, case .string(let p) = y else { return .noOverload("contains") }
            c.cost &+= s.utf8.count >> 4
            return .bool(StringBytes.contains(s, p))
        case .join:
            return join([x, y], &c)
        default:
            if f.isMath { return mathFunction(f, [x, y]) }
            if case .string = x { return stringFunction(f, [x, y], &c) }
            return applySupport(f, [x, y])
        }
    }

    static func applyN(_ f: Function, _ args: [CELValue], _ c: inout EvalContext) -> CELValue {
        if f == .optionalNone && args.isEmpty { return .optional(nil) }
        if args.count == 1 { return apply1(f, args[0], &c) }
        if args.count == 2 { return apply2(f, args[0], args[1], &c) }
        if f.isMath { return mathFunction(f, args) }
        if case .string = args[0] { return stringFunction(f, args, &c) }
        return applySupport(f, args)
    }
}
