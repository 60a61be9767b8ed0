import Foundation

/// Where decision-log lines go. Called only from the logger's writer thread.
public protocol DecisionLogSink: AnyObject, Sendable {
    /// Writes whole lines (each ending in "\n"). Throwing drops them (counted).
    func write(_ bytes: [UInt8]) throws
}

/// Appends to a file descriptor: standard output, or a file opened for appending.
public final class FileDescriptorSink: DecisionLogSink, @unchecked Sendable {
    private let fd: Int32
    private let owned: Bool

    public struct WriteError: Error, CustomStringConvertible {
        public var errno: Int32
        public var description: String { "decision log write failed: errno \(errno)" }
    }

    /// Standard output.
    public static func standardOutput() -> FileDescriptorSink { FileDescriptorSink(fd: 1, owned: false) }

    /// A file opened for appending (created 0640 when missing). Throws ``ConfigurationError``.
    public static func appending(to path: String) throws -> FileDescriptorSink {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw ConfigurationError("--decision-log: cannot open \(path) for appending: \(String(cString: strerror(errno)))")
        }
        return FileDescriptorSink(fd: fd, owned: true)
    }

    private init(fd: Int32, owned: Bool) {
        self.fd = fd
        self.owned = owned
    }

    deinit { if owned { close(fd) } }

    public func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBufferPointer { buf in
                Foundation.write(fd, buf.baseAddress! + offset, buf.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw WriteError(errno: errno)
            }
            offset += n
        }
    }
}
