import Foundation

/// A temporary directory for one test, removed on deinit.
final class Scratch {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "ops-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func sub(_ name: String) throws -> String {
        let p = path + "/" + name
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    static func write(_ text: String, to path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }
}

/// Runs a command, returning its standard output; throws on a non-zero exit.
@discardableResult
func runTool(_ tool: String, _ args: [String], cwd: String? = nil) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [tool] + args
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
        throw ToolFailure(message: "\(tool) \(args.joined(separator: " ")): \(String(decoding: e, as: UTF8.self))")
    }
    return String(decoding: o, as: UTF8.self)
}

struct ToolFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
