/// What an `HTTPGet` received.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lower-cased; a repeated header's values joined with ", ".
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Parses "Name: value\r\n" lines (folded continuation lines are appended to the previous value).
    static func parseHeaders(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        var last: String?
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if let first = line.first, first == " " || first == "\t", let name = last {
                out[name, default: ""] += " " + line.trimmingSpaces()
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingSpaces().lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            guard !name.isEmpty else { continue }
            if let old = out[name] { out[name] = old + ", " + value } else { out[name] = value }
            last = name
        }
        return out
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
