import JSONSchema
import PortcullisModel

/// Finds where a JSON pointer's value is written in JSON text, for diagnostics that point into schema files.
/// The text has already been parsed strictly, so the scanner can be simple; it never recurses.
struct JSONPointerLocator {
    let bytes: [UInt8]

    /// The byte offset of the value `pointer` names, or of the deepest part of it that exists.
    func offset(of pointer: String) -> Int {
        var pos = skipSpace(0)
        guard !pointer.isEmpty else { return pos }
        let tokens = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { token in
            String(token).replacingOccurrences("~1", "/").replacingOccurrences("~0", "~")
        }
        for token in tokens {
            guard pos < bytes.count, let next = child(token, of: pos) else { return pos }
            pos = next
        }
        return pos
    }

    /// 1-based line and column of a byte offset (columns count characters).
    func lineColumn(_ offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        let end = min(max(offset, lineStart), bytes.count)
        let column = String(decoding: bytes[lineStart..<end], as: UTF8.self).count + 1
        return (line, column)
    }

    /// The offset of the member `token` of the object or array starting at `pos`.
    private func child(_ token: String, of pos: Int) -> Int? {
        if bytes[pos] == UInt8(ascii: "{") {
            var p = skipSpace(pos + 1)
            while p < bytes.count, bytes[p] == UInt8(ascii: "\"") {
                let keyEnd = skipString(p)
                let key = try? JSONParser().parse(Array(bytes[p..<keyEnd]))
                p = skipSpace(keyEnd)
                guard p < bytes.count, bytes[p] == UInt8(ascii: ":") else { return nil }
                p = skipSpace(p + 1)
                if key?.stringValue == token { return p }
                p = skipSpace(skipValue(p))
                guard p < bytes.count, bytes[p] == UInt8(ascii: ",") else { return nil }
                p = skipSpace(p + 1)
            }
            return nil
        }
        if bytes[pos] == UInt8(ascii: "["), let index = Int(token), index >= 0 {
            var p = skipSpace(pos + 1)
            for _ in 0..<index {
                p = skipSpace(skipValue(p))
                guard p < bytes.count, bytes[p] == UInt8(ascii: ",") else { return nil }
                p = skipSpace(p + 1)
            }
            return p < bytes.count && bytes[p] != UInt8(ascii: "]") ? p : nil
        }
        return nil
    }

    private func skipSpace(_ pos: Int) -> Int {
        var p = pos
        while p < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[p]) { p += 1 }
        return p
    }

    /// Past the closing quote of the string starting at `pos`.
    private func skipString(_ pos: Int) -> Int {
        var p = pos + 1
        while p < bytes.count {
            if bytes[p] == UInt8(ascii: "\\") {
                p += 2
                continue
            }
            if bytes[p] == UInt8(ascii: "\"") { return p + 1 }
            p += 1
        }
        return p
    }

    /// Past the value starting at `pos`, counting brackets instead of recursing.
    private func skipValue(_ pos: Int) -> Int {
        var p = pos
        var depth = 0
        while p < bytes.count {
            let b = bytes[p]
            switch b {
            case UInt8(ascii: "\""):
                p = skipString(p)
                if depth == 0 { return p }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return p }
                depth -= 1
                if depth == 0 { return p + 1 }
            case UInt8(ascii: ","):
                if depth == 0 { return p }
            default:
                if depth == 0, [0x20, 0x09, 0x0A, 0x0D].contains(b) { return p }
            }
            p += 1
        }
        return p
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
