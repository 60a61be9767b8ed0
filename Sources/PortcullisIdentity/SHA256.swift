import COpenSSL

/// A SHA-256 digest (32 bytes), hashable, usable as a dictionary key. Stored inline as four
/// big-endian words (no heap allocation), so a table of 100,000 API keys stays compact.
public struct SHA256Digest: Sendable, Hashable, CustomStringConvertible {
    let w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    init(words bytes: UnsafeBufferPointer<UInt8>) {
        func word(_ i: Int) -> UInt64 {
            var w: UInt64 = 0
            for j in 0..<8 { w = w << 8 | UInt64(bytes[i * 8 + j]) }
            return w
        }
        w0 = word(0); w1 = word(1); w2 = word(2); w3 = word(3)
    }

    /// Hashes the first word only: a digest's bits are already uniform, and no one can choose a digest (to
    /// collide in a table) without a preimage. Equality still compares all 32 bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(w0)
    }

    /// Wraps 32 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self = bytes.withUnsafeBufferPointer { SHA256Digest(words: $0) }
    }

    /// The digest of `data` (computed with libcrypto).
    public init(of data: [UInt8]) {
        var out = [UInt8](repeating: 0, count: 32)
        let rc = data.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in pc_sha256(d.baseAddress, d.count, o.baseAddress) }
        }
        // EVP_Digest of SHA-256 cannot fail short of memory exhaustion; a zero digest would never match a stored one.
        if rc != 1 { out = [UInt8](repeating: 0, count: 32) }
        self = out.withUnsafeBufferPointer { SHA256Digest(words: $0) }
    }

    /// The digest of a string's UTF-8 bytes.
    public init(of text: String) {
        var text = text
        self = text.withUTF8 { SHA256Digest(utf8: $0) }
    }

    /// The digest of a substring's UTF-8 bytes, read in place (e.g. a bearer token inside its header value).
    public init(of text: Substring) {
        if let digest = text.utf8.withContiguousStorageIfAvailable({ SHA256Digest(utf8: $0) }) {
            self = digest
        } else {
            self.init(of: String(text))
        }
    }

    private init(utf8 buffer: UnsafeBufferPointer<UInt8>) {
        var out = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let rc = withUnsafeMutableBytes(of: &out) { o in
            pc_sha256(buffer.baseAddress, buffer.count, o.baseAddress?.assumingMemoryBound(to: UInt8.self))
        }
        if rc != 1 { out = (0, 0, 0, 0) }
        self = withUnsafeBytes(of: &out) { SHA256Digest(words: $0.bindMemory(to: UInt8.self)) }
    }

    /// Parses 64 hexadecimal digits (either case).
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var i = 0
        while i < 64 {
            guard let hi = Hex.value(utf8[i]), let lo = Hex.value(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        self.init(bytes: out)
    }

    /// The 32 digest bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for w in [w0, w1, w2, w3] {
            for j in (0..<8).reversed() { out.append(UInt8(truncatingIfNeeded: w >> (8 * UInt64(j)))) }
        }
        return out
    }

    /// Lower-case hexadecimal.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { "sha256:" + hex }

    /// Compares with another digest in constant time (CRYPTO_memcmp over the 32 bytes).
    public func constantTimeEquals(_ other: SHA256Digest) -> Bool {
        var a = self
        var b = other
        return withUnsafeBytes(of: &a) { pa in
            withUnsafeBytes(of: &b) { pb in
                pc_memeq(pa.baseAddress?.assumingMemoryBound(to: UInt8.self), pb.baseAddress?.assumingMemoryBound(to: UInt8.self), 32) == 1
            }
        }
    }
}

enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Constant-time comparison (CRYPTO_memcmp); different lengths compare unequal at once
/// (lengths of digests and MACs are public).
public enum ConstantTime {
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in pc_memeq(pa.baseAddress, pb.baseAddress, pa.count) == 1 }
        }
    }
}
