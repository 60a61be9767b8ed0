/// One problem found while loading a bundle: where it is, what it is, and the offending line.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// The file's path inside the bundle (e.g. `shop.yaml`, `data/users.json`); empty for the bundle itself.
    public var file: String
    /// 1-based; 0 when the problem concerns the whole file.
    public var line: Int
    public var column: Int
    public var severity: Severity
    public var message: String
    /// The text of the offending line, without its newline; empty when unknown.
    public var sourceLine: String

    public init(
        file: String, line: Int = 0, column: Int = 0, severity: Severity = .error, message: String,
        sourceLine: String = ""
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `file:line:column: error: message`, then the offending line and a caret under the column.
    public var description: String {
        var head = file.isEmpty ? "<bundle>" : file
        if line > 0 { head += ":\(line):\(max(column, 1))" }
        head += ": \(severity.rawValue): \(message)"
        guard line > 0, !sourceLine.isEmpty else { return head }
        let caretPad = String(sourceLine.prefix(max(column - 1, 0)).map { $0 == "\t" ? "\t" : " " })
        return head + "\n    " + sourceLine + "\n    " + caretPad + "^"
    }
}

/// A bundle that cannot be used, with every diagnostic found.
public struct BundleError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
