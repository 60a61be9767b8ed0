import COpenSSL

/// A libssl/libcrypto failure: what Portcullis was doing, and OpenSSL's own error string.
public struct OpenSSLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was attempted, e.g. "load RSA key".
    public var operation: String
    /// OpenSSL's error queue text (may be empty when OpenSSL recorded nothing).
    public var message: String

    public init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    /// Builds an error from the thread's OpenSSL error queue, and clears the queue.
    static func drain(_ operation: String) -> OpenSSLError {
        var buffer = [CChar](repeating: 0, count: 1024)
        let length = buffer.withUnsafeMutableBufferPointer { pc_err_drain($0.baseAddress, $0.count) }
        let bytes = buffer.prefix(length).map { UInt8(bitPattern: $0) }
        return OpenSSLError(operation: operation, message: String(decoding: bytes, as: UTF8.self))
    }

    public var description: String {
        message.isEmpty ? "\(operation) failed" : "\(operation) failed: \(message)"
    }
}

/// Calls a `pc_*` text getter that returns the full length (possibly more than the buffer),
/// retrying once with a large enough buffer.
func readCText(_ body: (UnsafeMutablePointer<CChar>?, Int) -> Int32) -> String? {
    var capacity = 512
    for _ in 0..<2 {
        var buffer = [CChar](repeating: 0, count: capacity)
        let length = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress, $0.count) }
        if length < 0 { return nil }
        if Int(length) <= capacity {
            return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        capacity = Int(length)
    }
    return nil
}
