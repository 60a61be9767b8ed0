import Foundation

/// Writes minimal ustar archives for tests, including ones no honest tool would produce.
struct TarBuilder {
    private(set) var bytes: [UInt8] = []

    mutating func add(_ name: String, _ content: String = "", type: Character = "0", link: String = "") {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ s: String, _ at: Int, _ len: Int) {
            for (i, b) in s.utf8.prefix(len).enumerated() { header[at + i] = b }
        }
        let data = Array(content.utf8)
        put(name, 0, 100)
        put("0000644", 100, 7)
        put("0000000", 108, 7)
        put("0000000", 116, 7)
        put(String(String(data.count, radix: 8).reversed()).padding(toLength: 11, withPad: "0", startingAt: 0).reversed().map(String.init).joined(), 124, 11)
        put("00000000000", 136, 11)
        header[156] = type.asciiValue ?? 0x30
        put(link, 157, 100)
        put("ustar", 257, 5)
        put("00", 263, 2)
        for i in 148..<156 { header[i] = 0x20 }
        let sum = header.reduce(0) { $0 + Int($1) }
        put(String(String(sum, radix: 8).reversed()).padding(toLength: 6, withPad: "0", startingAt: 0).reversed().map(String.init).joined(), 148, 6)
        header[154] = 0
        bytes += header + data
        bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    func finished() -> [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }
}

/// A temporary directory removed when the test ends.
final class TempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "portcullis-policy-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        return full
    }

    func write(_ relative: String, bytes: [UInt8]) throws -> String {
        let full = path + "/" + relative
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }

    /// Runs a tool (tar, gzip) and fails the test when it fails.
    func run(_ tool: String, _ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: path)
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 { throw CocoaError(.fileWriteUnknown) }
    }
}
