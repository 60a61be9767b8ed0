/// Every function and operator the engine knows, resolved once by the checker.
enum Function: String, Sendable, CaseIterable {
    // operators
    case add = "_+_", sub = "_-_", mul = "_*_", div = "_/_", mod = "_%_", neg = "-_", not = "!_"
    case eq = "_==_", ne = "_!=_", lt = "_<_", le = "_<=_", gt = "_>_", ge = "_>=_", `in` = "@in", index = "_[_]"
    // standard
    case size, contains, startsWith, endsWith, matches
    case toInt = "int", toUint = "uint", toDouble = "double", toString = "string", toBytes = "bytes", toBool = "bool"
    case toType = "type", toDyn = "dyn", toTimestamp = "timestamp", toDuration = "duration"
    case getFullYear, getMonth, getDate, getDayOfMonth, getDayOfWeek, getDayOfYear
    case getHours, getMinutes, getSeconds, getMilliseconds
    // string extensions
    case lowerAscii, upperAscii, split, join, replace, trim, indexOf, lastIndexOf, substring, charAt, format, reverse
    // network
    case ip, cidr, isIP, isCIDR, ipIsCanonical = "ip.isCanonical"
    case family, isLoopback, isUnspecified, isGlobalUnicast, isLinkLocalUnicast, isLinkLocalMulticast
    case containsIP, containsCIDR, cidrIP = "cidr.ip", masked, prefixLength
    // encoding
    case base64Encode = "base64.encode", base64Decode = "base64.decode", stringsQuote = "strings.quote"
    // optional values
    case optionalOf = "optional.of", optionalNone = "optional.none", optionalOfNonZero = "optional.ofNonZeroValue"
    case hasValue, value, or, orValue, optIndex = "_[?_]"
    // math extension
    case mathGreatest = "math.greatest", mathLeast = "math.least", mathCeil = "math.ceil", mathFloor = "math.floor"
    case mathRound = "math.round", mathTrunc = "math.trunc", mathAbs = "math.abs", mathSign = "math.sign"
    case mathIsInf = "math.isInf", mathIsNaN = "math.isNaN", mathIsFinite = "math.isFinite"
    case mathBitAnd = "math.bitAnd", mathBitOr = "math.bitOr", mathBitXor = "math.bitXor", mathBitNot = "math.bitNot"
    case mathBitShiftLeft = "math.bitShiftLeft", mathBitShiftRight = "math.bitShiftRight"

    var isMath: Bool {
        switch self {
        case .mathGreatest, .mathLeast, .mathCeil, .mathFloor, .mathRound, .mathTrunc, .mathAbs, .mathSign, .mathIsInf,
             .mathIsNaN, .mathIsFinite, .mathBitAnd, .mathBitOr, .mathBitXor, .mathBitNot, .mathBitShiftLeft,
             .mathBitShiftRight:
            return true
        default:
            return false
        }
    }

    /// Resolves a call by its written name, style and argument count (receiver excluded).
    static func lookup(_ name: String, member: Bool, argc: Int) -> Function? {
        if member {
            switch (name, argc) {
            case ("size", 0): return .size
            case ("contains", 1): return .contains
            case ("startsWith", 1): return .startsWith
            case ("endsWith", 1): return .endsWith
            case ("matches", 1): return .matches
            case ("getFullYear", 0...1): return .getFullYear
            case ("getMonth", 0...1): return .getMonth
            case ("getDate", 0...1): return .getDate
            case ("getDayOfMonth", 0...1): return .getDayOfMonth
            case ("getDayOfWeek", 0...1): return .getDayOfWeek
            case ("getDayOfYear", 0...1): return .getDayOfYear
            case ("getHours", 0...1): return .getHours
            case ("getMinutes", 0...1): return .getMinutes
            case ("getSeconds", 0...1): return .getSeconds
            case ("getMilliseconds", 0...1): return .getMilliseconds
            case ("lowerAscii", 0): return .lowerAscii
            case ("upperAscii", 0): return .upperAscii
            case ("split", 1...2): return .split
            case ("join", 0...1): return .join
            case ("replace", 2...3): return .replace
            case ("trim", 0): return .trim
            case ("indexOf", 1...2): return .indexOf
            case ("lastIndexOf", 1...2): return .lastIndexOf
            case ("substring", 1...2): return .substring
            case ("charAt", 1): return .charAt
            case ("format", 1): return .format
            case ("reverse", 0): return .reverse
            case ("family", 0): return .family
            case ("isLoopback", 0): return .isLoopback
            case ("isUnspecified", 0): return .isUnspecified
            case ("isGlobalUnicast", 0): return .isGlobalUnicast
            case ("isLinkLocalUnicast", 0): return .isLinkLocalUnicast
            case ("isLinkLocalMulticast", 0): return .isLinkLocalMulticast
            case ("containsIP", 1): return .containsIP
            case ("containsCIDR", 1): return .containsCIDR
            case ("ip", 0): return .cidrIP
            case ("masked", 0): return .masked
            case ("prefixLength", 0): return .prefixLength
            case ("hasValue", 0): return .hasValue
            case ("value", 0): return .value
            case ("or", 1): return .or
            case ("orValue", 1): return .orValue
            default: return nil
            }
        }
        switch (name, argc) {
        case ("_+_", 2): return .add
        case ("_-_", 2): return .sub
        case ("_*_", 2): return .mul
        case ("_/_", 2): return .div
        case ("_%_", 2): return .mod
        case ("-_", 1): return .neg
        case ("!_", 1): return .not
        case ("_==_", 2): return .eq
        case ("_!=_", 2): return .ne
        case ("_<_", 2): return .lt
        case ("_<=_", 2): return .le
        case ("_>_", 2): return .gt
        case ("_>=_", 2): return .ge
        case ("@in", 2): return .in
        case ("_[_]", 2): return .index
        case ("size", 1): return .size
        case ("matches", 2): return .matches
        case ("int", 1): return .toInt
        case ("uint", 1): return .toUint
        case ("double", 1): return .toDouble
        case ("string", 1): return .toString
        case ("bytes", 1): return .toBytes
        case ("bool", 1): return .toBool
        case ("type", 1): return .toType
        case ("dyn", 1): return .toDyn
        case ("timestamp", 1): return .toTimestamp
        case ("duration", 1): return .toDuration
        case ("ip", 1): return .ip
        case ("cidr", 1): return .cidr
        case ("isIP", 1): return .isIP
        case ("isCIDR", 1): return .isCIDR
        case ("ip.isCanonical", 1): return .ipIsCanonical
        case ("base64.encode", 1): return .base64Encode
        case ("base64.decode", 1): return .base64Decode
        case ("strings.quote", 1): return .stringsQuote
        case ("optional.of", 1): return .optionalOf
        case ("optional.none", 0): return .optionalNone
        case ("optional.ofNonZeroValue", 1): return .optionalOfNonZero
        case ("_[?_]", 2): return .optIndex
        case ("math.greatest", 1...): return .mathGreatest
        case ("math.least", 1...): return .mathLeast
        case ("math.ceil", 1): return .mathCeil
        case ("math.floor", 1): return .mathFloor
        case ("math.round", 1): return .mathRound
        case ("math.trunc", 1): return .mathTrunc
        case ("math.abs", 1): return .mathAbs
        case ("math.sign", 1): return .mathSign
        case ("math.isInf", 1): return .mathIsInf
        case ("math.isNaN", 1): return .mathIsNaN
        case ("math.isFinite", 1): return .mathIsFinite
        case ("math.bitAnd", 2): return .mathBitAnd
        case ("math.bitOr", 2): return .mathBitOr
        case ("math.bitXor", 2): return .mathBitXor
        case ("math.bitNot", 1): return .mathBitNot
        case ("math.bitShiftLeft", 2): return .mathBitShiftLeft
        case ("math.bitShiftRight", 2): return .mathBitShiftRight
        default: return nil
        }
    }

    /// Names that are namespaces of global functions (`base64.encode(...)`).
    static let namespaces: Set<String> = ["base64", "ip", "strings", "math", "optional"]
}
