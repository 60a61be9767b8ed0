/// One compile-time problem, located within the expression.
public struct CELDiagnostic: Sendable, CustomStringConvertible {
    public let message: String
    /// 1-based line and column (columns count Unicode scalars).
    public let line: Int
    public let column: Int
    /// UTF-8 byte offset and length within the expression.
    public let offset: Int
    public let length: Int
    /// The source line the problem is on.
    public let sourceLine: String

    init(message: String, offset: Int, length: Int, source: [UInt8]) {
        self.message = message
        let off = max(0, min(offset, source.count))
        self.offset = off
        self.length = max(0, length)
        var lineStart = 0
        var line = 1
        var i = 0
        while i < off {
            if source[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1 }
            i += 1
        }
        var lineEnd = lineStart
        while lineEnd < source.count && source[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        var column = 1
        for b in source[lineStart..<off] where b & 0xC0 != 0x80 { column += 1 }
        self.line = line
        self.column = column
        self.sourceLine = String(decoding: source[lineStart..<lineEnd], as: UTF8.self)
    }

    /// "1:5: message", then the source line and a caret under the column.
    public var description: String {
        let caret = String(repeating: " ", count: column - 1) + "^"
        return "\(line):\(column): \(message)\n  \(sourceLine)\n  \(caret)"
    }
}

/// Thrown by `CELProgram.init` with every diagnostic found.
public struct CELCompileError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [CELDiagnostic]
    public init(diagnostics: [CELDiagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
