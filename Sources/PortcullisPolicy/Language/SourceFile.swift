/// A bundle file's text, split into lines for diagnostics (on the first one: most files never need it).
struct SourceFile {
    let path: String
    let text: String
    private let lineCache = LineCache()

    private final class LineCache {
        var lines: [Substring]?
    }

    init(path: String, bytes: [UInt8]) {
        self.path = path
        text = String(decoding: bytes, as: UTF8.self)
    }

    var lines: [Substring] {
        if let lines = lineCache.lines { return lines }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lineCache.lines = lines
        return lines
    }

    func line(_ number: Int) -> String {
        let lines = self.lines
        guard number >= 1, number <= lines.count else { return "" }
        var l = lines[number - 1]
        if l.hasSuffix("\r") { l = l.dropLast() }
        return String(l)
    }
}

/// A position inside a bundle file.
struct SourceLocation: Sendable, Hashable {
    var file: String
    var line: Int
    var column: Int
}

/// Collects diagnostics while a bundle is read, and counts YAML nodes against a budget.
final class DiagnosticSink {
    private(set) var diagnostics: [Diagnostic] = []
    private var files: [String: SourceFile] = [:]
    private var nodeBudget: Int
    private(set) var budgetExceeded = false

    init(nodeBudget: Int) {
        self.nodeBudget = nodeBudget
    }

    func register(_ file: SourceFile) {
        files[file.path] = file
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func error(_ message: String, at location: SourceLocation) {
        add(message, at: location, severity: .error)
    }

    func warning(_ message: String, at location: SourceLocation) {
        add(message, at: location, severity: .warning)
    }

    func error(_ message: String, file: String) {
        diagnostics.append(Diagnostic(file: file, message: message))
    }

    func add(_ message: String, at location: SourceLocation, severity: Diagnostic.Severity) {
        let text = files[location.file]?.line(location.line) ?? ""
        diagnostics.append(
            Diagnostic(
                file: location.file, line: location.line, column: location.column, severity: severity,
                message: message, sourceLine: text))
    }

    func append(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// Spends one YAML node of the budget; false once the budget is gone (reported once).
    func spend(at location: SourceLocation) -> Bool {
        if nodeBudget > 0 {
            nodeBudget -= 1
            return true
        }
        if !budgetExceeded {
            budgetExceeded = true
            error("bundle has too many YAML nodes (aliases count each time they are used)", at: location)
        }
        return false
    }

    /// Diagnostics sorted by file and position.
    var sorted: [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let x = a.element, y = b.element
            if x.file != y.file { return x.file < y.file }
            if x.line != y.line { return x.line < y.line }
            if x.column != y.column { return x.column < y.column }
            return a.offset < b.offset
        }.map(\.element)
    }
}
