#if canImport(Glibc)
import Glibc
#endif

/// The PEM files of a `TLSConfiguration`, read together, with the file identities they were
/// read at (to notice a later change).
// @unchecked: never mutated after `init` except by `deinit`, which zeroes the key.
final class TLSMaterial: @unchecked Sendable {
    /// Identity of one file's contents as far as `stat` can tell.
    struct Stamp: Equatable, Sendable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int64
        var modifiedNanos: Int
        var changed: Int64
        var changedNanos: Int
    }

    /// Largest PEM file accepted.
    static let maxFileBytes = 1 << 20

    var stamps: [Stamp]
    /// NUL-terminated file contents.
    var certificateChain: [CChar]
    var privateKey: [CChar]
    var clientCA: [CChar]?

    /// Reads every file. Throws a message naming the file when one is missing, unreadable,
    /// too large or not PEM of the expected kind.
    init(reading configuration: TLSConfiguration) throws(TransportError) {
        let before = try TLSMaterial.stamps(of: configuration)
        certificateChain = try TLSMaterial.read(configuration.certificateChainPath, what: "TLS certificate", marker: "CERTIFICATE-----")
        privateKey = try TLSMaterial.read(configuration.privateKeyPath, what: "TLS private key", marker: "PRIVATE KEY-----")
        if let ca = configuration.clientCAPath {
            clientCA = try TLSMaterial.read(ca, what: "TLS client CA", marker: "CERTIFICATE-----")
        } else {
            clientCA = nil
        }
        let after = try TLSMaterial.stamps(of: configuration)
        if before != after {
            throw .invalidConfiguration("TLS files changed while being read; try again")
        }
        stamps = after
    }

    deinit {
        // The key is a secret: do not leave it in freed memory.
        privateKey.withUnsafeMutableBytes { p in
            if let base = p.baseAddress { memset(base, 0, p.count) }
        }
    }

    /// The current stamps of every configured file.
    static func stamps(of configuration: TLSConfiguration) throws(TransportError) -> [Stamp] {
        var paths = [configuration.certificateChainPath, configuration.privateKeyPath]
        if let ca = configuration.clientCAPath { paths.append(ca) }
        var out: [Stamp] = []
        for path in paths {
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw .invalidConfiguration("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            out.append(Stamp(
                device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                modified: Int64(st.st_mtim.tv_sec), modifiedNanos: Int(st.st_mtim.tv_nsec),
                changed: Int64(st.st_ctim.tv_sec), changedNanos: Int(st.st_ctim.tv_nsec)))
        }
        return out
    }

    private static func read(_ path: String, what: String, marker: String) throws(TransportError) -> [CChar] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .invalidConfiguration("\(what) \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .invalidConfiguration("\(what) \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxFileBytes { throw .invalidConfiguration("\(what) \(path): larger than \(maxFileBytes) bytes") }
        }
        chunk.withUnsafeMutableBytes { p in if let base = p.baseAddress { memset(base, 0, p.count) } }
        defer { bytes.withUnsafeMutableBytes { p in if let base = p.baseAddress { memset(base, 0, p.count) } } }
        if bytes.contains(0) { throw .invalidConfiguration("\(what) \(path): not a PEM file (contains NUL bytes)") }
        guard contains(bytes, "-----BEGIN "), contains(bytes, marker) else {
            throw .invalidConfiguration("\(what) \(path): no PEM block ending in \(marker)")
        }
        return bytes.map { CChar(bitPattern: $0) } + [0]
    }

    private static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard n.count <= haystack.count else { return false }
        var i = 0
        while i + n.count <= haystack.count {
            if haystack[i] == n[0], Array(haystack[i..<(i + n.count)]) == n { return true }
            i += 1
        }
        return false
    }
}
