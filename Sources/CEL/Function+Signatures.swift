/// Static overloads used by the checker. Parameters include the receiver first for member calls.
/// `.dyn` parameters accept anything; a result of `nil` means "computed specially by the checker".
extension Function {
    typealias Overload = (params: [CELType], result: CELType)

    private static let ts = CELType.timestamp
    private static let dur = CELType.duration
    private static let anyList = CELType.list(.dyn)
    private static let anyMap = CELType.map(.dyn, .dyn)

    /// Computed once for all functions.
    static let overloadTable: [Function: [Overload]] = {
        var t: [Function: [Overload]] = [:]
        for f in Function.allCases { if let o = f.computeOverloads() { t[f] = o } }
        return t
    }()

    var overloads: [Overload]? { Function.overloadTable[self] }

    private func computeOverloads() -> [Overload]? {
        let T = Function.self
        switch self {
        case .add:
            return [([.int, .int], .int), ([.uint, .uint], .uint), ([.double, .double], .double),
                    ([.string, .string], .string), ([.bytes, .bytes], .bytes), ([T.anyList, T.anyList], T.anyList),
                    ([T.ts, T.dur], T.ts), ([T.dur, T.ts], T.ts), ([T.dur, T.dur], T.dur)]
        case .sub:
            return [([.int, .int], .int), ([.uint, .uint], .uint), ([.double, .double], .double),
                    ([T.ts, T.ts], T.dur), ([T.ts, T.dur], T.ts), ([T.dur, T.dur], T.dur)]
        case .mul, .div:
            return [([.int, .int], .int), ([.uint, .uint], .uint), ([.double, .double], .double)]
        case .mod:
            return [([.int, .int], .int), ([.uint, .uint], .uint)]
        case .neg:
            return [([.int], .int), ([.double], .double)]
        case .not:
            return [([.bool], .bool)]
        case .lt, .le, .gt, .ge:
            var o: [Overload] = []
            for a in [CELType.int, .uint, .double] { for b in [CELType.int, .uint, .double] { o.append(([a, b], .bool)) } }
            for a in [CELType.string, .bytes, .bool, T.ts, T.dur] { o.append(([a, a], .bool)) }
            return o
        case .eq, .ne, .in, .index, .toDyn, .toType:
            return nil
        case .size:
            return [([.string], .int), ([.bytes], .int), ([T.anyList], .int), ([T.anyMap], .int)]
        case .contains, .startsWith, .endsWith, .matches:
            return [([.string, .string], .bool)]
        case .toInt:
            return [([.int], .int), ([.uint], .int), ([.double], .int), ([.string], .int), ([T.ts], .int)]
        case .toUint:
            return [([.int], .uint), ([.uint], .uint), ([.double], .uint), ([.string], .uint)]
        case .toDouble:
            return [([.int], .double), ([.uint], .double), ([.double], .double), ([.string], .double)]
        case .toString:
            return [([.int], .string), ([.uint], .string), ([.double], .string), ([.string], .string),
                    ([.bytes], .string), ([.bool], .string), ([T.ts], .string), ([T.dur], .string)]
        case .toBytes:
            return [([.string], .bytes), ([.bytes], .bytes)]
        case .toBool:
            return [([.bool], .bool), ([.string], .bool)]
        case .toTimestamp:
            return [([.string], T.ts), ([.int], T.ts), ([T.ts], T.ts)]
        case .toDuration:
            return [([.string], T.dur), ([T.dur], T.dur)]
        case .getFullYear, .getMonth, .getDate, .getDayOfMonth, .getDayOfWeek, .getDayOfYear:
            return [([T.ts], .int), ([T.ts, .string], .int)]
        case .getHours, .getMinutes, .getSeconds, .getMilliseconds:
            return [([T.ts], .int), ([T.ts, .string], .int), ([T.dur], .int)]
        case .lowerAscii, .upperAscii, .trim, .reverse:
            return [([.string], .string)]
        case .split:
            return [([.string, .string], .list(.string)), ([.string, .string, .int], .list(.string))]
        case .join:
            return [([.list(.string)], .string), ([.list(.string), .string], .string)]
        case .replace:
            return [([.string, .string, .string], .string), ([.string, .string, .string, .int], .string)]
        case .indexOf, .lastIndexOf:
            return [([.string, .string], .int), ([.string, .string, .int], .int)]
        case .substring:
            return [([.string, .int], .string), ([.string, .int, .int], .string)]
        case .charAt:
            return [([.string, .int], .string)]
        case .format:
            return [([.string, T.anyList], .string)]
        case .ip, .cidr:
            return [([.string], .dyn)]
        case .isIP, .isCIDR, .ipIsCanonical:
            return [([.string], .bool)]
        case .family, .prefixLength:
            return [([.dyn], .int)]
        case .isLoopback, .isUnspecified, .isGlobalUnicast, .isLinkLocalUnicast, .isLinkLocalMulticast:
            return [([.dyn], .bool)]
        case .containsIP, .containsCIDR:
            return [([.dyn, .dyn], .bool)]
        case .cidrIP, .masked:
            return [([.dyn], .dyn)]
        case .base64Encode:
            return [([.bytes], .string)]
        case .base64Decode:
            return [([.string], .bytes)]
        case .stringsQuote:
            return [([.string], .string)]
        case .mathGreatest, .mathLeast, .optionalOf, .optionalNone, .optionalOfNonZero, .hasValue, .value, .or, .orValue,
             .optIndex:
            return nil
        case .mathCeil, .mathFloor, .mathRound, .mathTrunc:
            return [([.double], .double)]
        case .mathAbs, .mathSign:
            return [([.int], .int), ([.uint], .uint), ([.double], .double)]
        case .mathIsInf, .mathIsNaN, .mathIsFinite:
            return [([.double], .bool)]
        case .mathBitAnd, .mathBitOr, .mathBitXor:
            return [([.int, .int], .int), ([.uint, .uint], .uint)]
        case .mathBitNot:
            return [([.int], .int), ([.uint], .uint)]
        case .mathBitShiftLeft, .mathBitShiftRight:
            return [([.int, .int], .int), ([.uint, .int], .uint)]
        }
    }
}
