import COpenSSL
import Foundation

/// SHA-256 and the encodings bundle signing needs.
enum Digest {
    /// SHA-256 of `bytes`; nil only if libcrypto fails.
    static func sha256(_ bytes: [UInt8]) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        let ok = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &len, EVP_sha256(), nil)
            }
        }
        return ok == 1 && len == 32 ? out : nil
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String? {
        sha256(bytes).map(hex)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: [UInt8]) -> String {
        var chars = [UInt8]()
        chars.reserveCapacity(bytes.count * 2)
        for b in bytes {
            chars.append(hexDigits[Int(b >> 4)])
            chars.append(hexDigits[Int(b & 0x0f)])
        }
        return String(decoding: chars, as: UTF8.self)
    }
}

/// base64url without padding (RFC 7515 §2).
enum Base64URL {
    static func decode(_ text: Substring) -> [UInt8]? {
        var s = String(text).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if s.contains("=") { return nil }
        switch s.count % 4 {
        case 0: break
        case 2: s += "=="
        case 3: s += "="
        default: return nil
        }
        guard let data = Data(base64Encoded: s) else { return nil }
        return [UInt8](data)
    }
}
