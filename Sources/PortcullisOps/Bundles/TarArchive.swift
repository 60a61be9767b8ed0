import Foundation

/// `.tar.gz` packing and unpacking through the system `tar` (GNU tar strips leading `/` and
/// refuses `..` members). Unpacked trees are then listed without following links.
enum TarArchive {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static var tarPath: String {
        for p in ["/usr/bin/tar", "/bin/tar", "/usr/local/bin/tar"] where FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        return "/usr/bin/tar"
    }

    /// Unpacks `archive` into the existing empty directory `directory`.
    static func extract(_ archive: String, into directory: String) throws {
        try run(["-xzf", archive, "-C", directory, "--no-same-owner", "--no-same-permissions"], what: "unpack \(archive)")
    }

    /// Packs the contents of `directory` into `archive` (gzip).
    static func create(_ archive: String, from directory: String) throws {
        try run(["-czf", archive, "-C", directory, "."], what: "pack \(directory)")
    }

    private static func run(_ args: [String], what: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tarPath)
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch { throw Failure(description: "cannot run tar: \(error)") }
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let text = String(decoding: message.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "cannot \(what): \(text.isEmpty ? "tar exit \(p.terminationStatus)" : text)")
        }
    }
}

/// Fresh private temporary directories.
enum TempDir {
    static func make(_ prefix: String = "portcullis-bundle") throws -> String {
        let base = NSTemporaryDirectory()
        let path = (base as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
