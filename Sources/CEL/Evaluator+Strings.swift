/// String extension functions (cel-go `ext.Strings` semantics; indices count Unicode code points).
extension Evaluator {
    static func stringFunction(_ f: Function, _ args: [CELValue], _ c: inout EvalContext) -> CELValue {
        if f == .join { return join(args, &c) }
        guard case .string(let s) = args[0] else { return .noOverload(f.rawValue) }
        c.cost &+= s.utf8.count >> 4
        if c.cost > c.maxCost { return costExceeded }
        func str(_ i: Int) -> String? {
            if i < args.count, case .string(let v) = args[i] { return v }
            return nil
        }
        func int(_ i: Int) -> Int64? {
            if i < args.count, case .int(let v) = args[i] { return v }
            return nil
        }
        switch (f, args.count) {
        case (.lowerAscii, 1):
            return .string(String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self))
        case (.upperAscii, 1):
            return .string(String(decoding: s.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 32 : $0 }, as: UTF8.self))
        case (.trim, 1):
            let scalars = s.unicodeScalars
            guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return .string("") }
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) ?? first
            return .string(String(scalars[first...last]))
        case (.reverse, 1):
            return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed())))
        case (.charAt, 2):
            guard let i = int(1) else { return .noOverload("charAt") }
            let u = Array(s.unicodeScalars)
            guard i >= 0 && i <= Int64(u.count) else { return .err("index out of range: \(i)") }
            return .string(i == Int64(u.count) ? "" : String(u[Int(i)]))
        case (.indexOf, 2), (.indexOf, 3), (.lastIndexOf, 2), (.lastIndexOf, 3):
            guard let sub = str(1) else { return .noOverload(f.rawValue) }
            let hay = Array(s.unicodeScalars), needle = Array(sub.unicodeScalars)
            let last = f == .lastIndexOf
            var from: Int64 = last ? Int64(hay.count) : 0
            if args.count == 3 {
                guard let v = int(2) else { return .noOverload(f.rawValue) }
                guard v >= 0 && v <= Int64(hay.count) else { return .err("index out of range: \(v)") }
                from = v
            }
            if needle.isEmpty { return .int(from) }
            if needle.count > hay.count { return .int(-1) }
            let scalars = hay.map(\.value)
            if last {
                // The last match starting at or before `from`: the first match of the reversed needle in the
                // reversed text, starting where a match at `from` would end.
                let m = needle.count
                let startInReversed = max(0, scalars.count - (Int(from) + m))
                guard let p = Search(needle.map(\.value).reversed()).first(in: scalars.reversed(), from: startInReversed) else {
                    return .int(-1)
                }
                return .int(Int64(scalars.count - p - m))
            }
            let search = Search(needle.map(\.value))
            return .int(search.first(in: scalars, from: Int(from)).map(Int64.init) ?? -1)
        case (.substring, 2), (.substring, 3):
            let u = Array(s.unicodeScalars)
            guard let start = int(1) else { return .noOverload("substring") }
            var end = Int64(u.count)
            if args.count == 3 {
                guard let e = int(2) else { return .noOverload("substring") }
                end = e
            }
            guard start >= 0, start <= Int64(u.count) else { return .err("index out of range: \(start)") }
            guard end >= 0, end <= Int64(u.count) else { return .err("index out of range: \(end)") }
            guard start <= end else { return .err("invalid substring range. start: \(start), end: \(end)") }
            var out = String.UnicodeScalarView()
            out.append(contentsOf: u[Int(start)..<Int(end)])
            return .string(String(out))
        case (.replace, 3), (.replace, 4):
            guard let old = str(1), let new = str(2) else { return .noOverload("replace") }
            var limit: Int64 = -1
            if args.count == 4 {
                guard let n = int(3) else { return .noOverload("replace") }
                limit = n
            }
            return .string(replace(s, old, new, limit: limit, &c))
        case (.split, 2), (.split, 3):
            guard let sep = str(1) else { return .noOverload("split") }
            var limit: Int64 = -1
            if args.count == 3 {
                guard let n = int(2) else { return .noOverload("split") }
                limit = n
            }
            return .list(split(s, sep, limit: limit).map { .string($0) })
        case (.format, 2):
            guard case .list(let items) = args[1] else { return .noOverload("format") }
            return format(s, items)
        case (.matches, 2):
            // A pattern that was not a literal: compiled per evaluation.
            guard case .string(let pattern) = args[1] else { return .noOverload("matches") }
            return matchDynamic(s, pattern)
        default:
            return .noOverload(f.rawValue)
        }
    }

    static func join(_ args: [CELValue], _ c: inout EvalContext) -> CELValue {
        guard case .list(let items) = args[0] else { return .noOverload("join") }
        var sep = ""
        if args.count == 2 {
            guard case .string(let s) = args[1] else { return .noOverload("join") }
            sep = s
        }
        var parts: [String] = []
        for item in items {
            guard case .string(let s) = item else { return .noOverload("join") }
            parts.append(s)
        }
        c.cost &+= parts.count
        return .string(parts.joined(separator: sep))
    }

    static func replace(_ s: String, _ old: String, _ new: String, limit: Int64, _ c: inout EvalContext) -> String {
        if limit == 0 { return s }
        let hay = Array(s.utf8), rep = Array(new.utf8)
        var out: [UInt8] = []
        if old.isEmpty {
            // Go semantics: insert at every code point boundary.
            var n: Int64 = 0
            var scalars = s.unicodeScalars.makeIterator()
            out.append(contentsOf: rep); n += 1
            while let u = scalars.next() {
                out.append(contentsOf: Array(String(u).utf8))
                if limit < 0 || n < limit { out.append(contentsOf: rep); n += 1 }
            }
            return String(decoding: out, as: UTF8.self)
        }
        let needle = Array(old.utf8)
        let matches = Search(needle).all(in: hay, limit: limit < 0 ? -1 : Int(clamping: limit))
        c.cost &+= (matches.count * rep.count) >> 4
        var last = 0
        for m in matches {
            out.append(contentsOf: hay[last..<m])
            out.append(contentsOf: rep)
            last = m + needle.count
        }
        out.append(contentsOf: hay[last...])
        return String(decoding: out, as: UTF8.self)
    }

    static func split(_ s: String, _ sep: String, limit: Int64) -> [String] {
        if limit == 0 { return [] }
        if limit == 1 { return [s] }
        if sep.isEmpty {
            var out: [String] = []
            for u in s.unicodeScalars {
                if limit > 0 && Int64(out.count) == limit - 1 { break }
                out.append(String(u))
            }
            if limit > 0 && Int64(out.count) == limit - 1 {
                let rest = String(s.unicodeScalars.dropFirst(out.count))
                if !rest.isEmpty { out.append(rest) }
            }
            return out
        }
        var out: [String] = []
        let hay = Array(s.utf8), needle = Array(sep.utf8)
        var start = 0
        for m in Search(needle).all(in: hay, limit: limit > 0 ? Int(clamping: limit - 1) : -1) {
            out.append(String(decoding: hay[start..<m], as: UTF8.self))
            start = m + needle.count
        }
        out.append(String(decoding: hay[start...], as: UTF8.self))
        return out
    }
}
