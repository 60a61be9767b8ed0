/// Named scalar classes: Perl (`\d \s \w`), POSIX (`[:alpha:]`) and Unicode general categories (`\pL`, `\p{Lu}`).
enum UnicodeClasses {
    static let digit = ScalarRanges([0x30...0x39])
    static let space = ScalarRanges([0x09...0x0A, 0x0C...0x0D, 0x20...0x20])
    static let word = ScalarRanges([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])

    static func perl(_ letter: Unicode.Scalar) -> ScalarRanges? {
        switch letter {
        case "d": return digit
        case "D": return digit.negated()
        case "s": return space
        case "S": return space.negated()
        case "w": return word
        case "W": return word.negated()
        default: return nil
        }
    }

    static func posix(_ name: String) -> ScalarRanges? {
        switch name {
        case "alnum": return ScalarRanges([0x30...0x39, 0x41...0x5A, 0x61...0x7A])
        case "alpha": return ScalarRanges([0x41...0x5A, 0x61...0x7A])
        case "ascii": return ScalarRanges([0x00...0x7F])
        case "blank": return ScalarRanges([0x09...0x09, 0x20...0x20])
        case "cntrl": return ScalarRanges([0x00...0x1F, 0x7F...0x7F])
        case "digit": return digit
        case "graph": return ScalarRanges([0x21...0x7E])
        case "lower": return ScalarRanges([0x61...0x7A])
        case "print": return ScalarRanges([0x20...0x7E])
        case "punct": return ScalarRanges([0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E])
        case "space": return ScalarRanges([0x09...0x0D, 0x20...0x20])
        case "upper": return ScalarRanges([0x41...0x5A])
        case "word": return word
        case "xdigit": return ScalarRanges([0x30...0x39, 0x41...0x46, 0x61...0x66])
        default: return nil
        }
    }

    /// `Any` or a general category name (one or two letters, e.g. `L`, `Lu`, `Nd`); nil when unknown.
    static func unicode(_ name: String) -> ScalarRanges? {
        if name == "Any" { return ScalarRanges([0...ScalarRanges.maxScalar]) }
        return categories[name]
    }

    private static let categories: [String: ScalarRanges] = {
        var byCode: [String: [ClosedRange<UInt32>]] = [:]
        var runStart: UInt32 = 0
        var runCode = code(of: 0)
        func close(_ end: UInt32) {
            byCode[runCode, default: []].append(runStart...end)
        }
        var v: UInt32 = 1
        while v <= ScalarRanges.maxScalar {
            let c = code(of: v)
            if c != runCode {
                close(v - 1)
                runStart = v
                runCode = c
            }
            v += 1
        }
        close(ScalarRanges.maxScalar)
        var out: [String: ScalarRanges] = [:]
        for (code, ranges) in byCode {
            out[code] = ScalarRanges(ranges)
            guard let major = code.first else { continue }
            out[String(major), default: ScalarRanges()].add(ScalarRanges(ranges))
        }
        for key in out.keys { out[key]?.normalize() }
        return out
    }()

    private static func code(of v: UInt32) -> String {
        guard let scalar = Unicode.Scalar(v) else { return "Cs" }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter: return "Lu"
        case .lowercaseLetter: return "Ll"
        case .titlecaseLetter: return "Lt"
        case .modifierLetter: return "Lm"
        case .otherLetter: return "Lo"
        case .nonspacingMark: return "Mn"
        case .spacingMark: return "Mc"
        case .enclosingMark: return "Me"
        case .decimalNumber: return "Nd"
        case .letterNumber: return "Nl"
        case .otherNumber: return "No"
        case .connectorPunctuation: return "Pc"
        case .dashPunctuation: return "Pd"
        case .openPunctuation: return "Ps"
        case .closePunctuation: return "Pe"
        case .initialPunctuation: return "Pi"
        case .finalPunctuation: return "Pf"
        case .otherPunctuation: return "Po"
        case .mathSymbol: return "Sm"
        case .currencySymbol: return "Sc"
        case .modifierSymbol: return "Sk"
        case .otherSymbol: return "So"
        case .spaceSeparator: return "Zs"
        case .lineSeparator: return "Zl"
        case .paragraphSeparator: return "Zp"
        case .control: return "Cc"
        case .format: return "Cf"
        case .surrogate: return "Cs"
        case .privateUse: return "Co"
        case .unassigned: return "Cn"
        @unknown default: return "Cn"
        }
    }
}
