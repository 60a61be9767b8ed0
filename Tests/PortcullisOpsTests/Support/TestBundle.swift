import Foundation

/// The "compiled bundle" of these tests: the text of `policy.txt`; compiling fails on "BROKEN".
struct TestBundle: Sendable, Equatable {
    var text: String

    struct CompileError: Error, CustomStringConvertible {
        var description: String { "policy.txt: syntax error" }
    }

    static let load: @Sendable (String) throws -> TestBundle = { dir in
        guard let text = Scratch.read(dir + "/policy.txt") else { throw CompileError() }
        if text.contains("BROKEN") { throw CompileError() }
        return TestBundle(text: text)
    }

    /// Writes a bundle directory with `policy.txt` = `text` (and optionally a manifest revision).
    static func write(_ dir: String, text: String, revision: String? = nil) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Scratch.write(text, to: dir + "/policy.txt")
        try Scratch.write("{\"rules\": [\"x\"]}", to: dir + "/data/extra.json")
        if let revision { try Scratch.write("{\"revision\": \"\(revision)\"}", to: dir + "/.manifest") }
    }

    /// Packs `dir` into `archive` (.tar.gz).
    static func pack(_ dir: String, into archive: String) throws {
        try runTool("tar", ["-czf", archive, "-C", dir, "."])
    }
}
