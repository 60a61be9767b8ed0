import Foundation

/// The files of an unpacked bundle, by relative `/`-separated name.
struct BundleFiles {
    struct File {
        var name: String
        var path: String
        var size: Int
        var modified: Date
    }

    enum WalkError: Error, CustomStringConvertible {
        case notADirectory(String)
        case symlinkRefused(String)
        case specialFile(String)
        case tooLarge(Int)
        case unreadable(String)

        var description: String {
            switch self {
            case .notADirectory(let p): return "\(p) is not a directory"
            case .symlinkRefused(let n): return "bundle entry \(n) is a symbolic link"
            case .specialFile(let n): return "bundle entry \(n) is not a regular file"
            case .tooLarge(let n): return "bundle is larger than \(n) bytes"
            case .unreadable(let n): return "cannot read bundle file \(n)"
            }
        }
    }

    /// Lists every regular file under `root`, sorted by name.
    /// - followSymlinks: follow links to files and directories (a mounted ConfigMap is made of them);
    ///   when false, any link is refused (an unpacked archive must not point outside itself).
    /// Entries whose name starts with `..` (a ConfigMap's `..data`) are skipped.
    static func list(_ root: String, followSymlinks: Bool, maxTotalBytes: Int = .max) throws -> [File] {
        var out: [File] = []
        var total = 0
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            throw WalkError.notADirectory(root)
        }
        try walk(root, prefix: "", depth: 0, followSymlinks: followSymlinks, into: &out, total: &total, max: maxTotalBytes)
        out.sort { $0.name < $1.name }
        return out
    }

    private static func walk(
        _ dir: String, prefix: String, depth: Int, followSymlinks: Bool, into out: inout [File], total: inout Int, max: Int
    ) throws {
        guard depth < 32 else { throw WalkError.specialFile(prefix) }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir) } catch { throw WalkError.unreadable(prefix) }
        for entry in names where !entry.hasPrefix("..") {
            let path = dir + "/" + entry
            let name = prefix.isEmpty ? entry : prefix + "/" + entry
            var st = stat()
            guard lstat(path, &st) == 0 else { throw WalkError.unreadable(name) }
            if (st.st_mode & S_IFMT) == S_IFLNK {
                guard followSymlinks else { throw WalkError.symlinkRefused(name) }
                guard stat(path, &st) == 0 else { throw WalkError.unreadable(name) }
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                try walk(path, prefix: name, depth: depth + 1, followSymlinks: followSymlinks, into: &out, total: &total, max: max)
            case S_IFREG:
                total += Int(st.st_size)
                if total > max { throw WalkError.tooLarge(max) }
                let mtime = Date(timeIntervalSince1970: TimeInterval(st.st_mtim.tv_sec) + TimeInterval(st.st_mtim.tv_nsec) / 1e9)
                out.append(File(name: name, path: path, size: Int(st.st_size), modified: mtime))
            default:
                throw WalkError.specialFile(name)
            }
        }
    }

    static func read(_ file: File) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: file.path) else { throw WalkError.unreadable(file.name) }
        return [UInt8](data)
    }

    /// A cheap change fingerprint: names, sizes and modification times.
    static func fingerprint(_ files: [File]) -> String {
        files.map { "\($0.name)\u{0}\($0.size)\u{0}\($0.modified.timeIntervalSince1970)" }.joined(separator: "\n")
    }

    /// Copies the listed files into a fresh directory, so that what is verified is what is compiled.
    static func snapshot(_ files: [File], into dest: String) throws {
        let fm = FileManager.default
        for f in files {
            let target = dest + "/" + f.name
            let parent = (target as NSString).deletingLastPathComponent
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
            guard let data = fm.contents(atPath: f.path) else { throw WalkError.unreadable(f.name) }
            guard fm.createFile(atPath: target, contents: data) else { throw WalkError.unreadable(f.name) }
        }
    }
}
