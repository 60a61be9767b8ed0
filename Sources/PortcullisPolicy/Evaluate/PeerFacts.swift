/// The parts of a peer's SPIFFE ID: `spiffe://<trust domain>/ns/<namespace>/sa/<account>`.
/// A value held inside `RequestFacts` (no allocation per peer): the parts are short, usually stored inline in
/// their strings, so copying them costs no reference counting.
struct PeerFacts: Sendable {
    let trustDomain: String
    let namespace: String
    let serviceAccount: String

    /// Parsed on UTF-8 bytes without intermediate arrays: this runs for both peers of most decisions.
    init(principal: String) {
        (trustDomain, namespace, serviceAccount) = Self.parse(principal)
    }

    private static func parse(_ principal: String) -> (trustDomain: String, namespace: String, serviceAccount: String) {
        var trustDomain = ""
        var namespace = ""
        var serviceAccount = ""
        var p = principal
        p.withUTF8 { bytes in
            // "spiffe://", compared as bytes (`hasPrefix` compares Unicode characters).
            guard bytes.count >= 9, bytes[0] == 0x73, bytes[1] == 0x70, bytes[2] == 0x69, bytes[3] == 0x66,
                bytes[4] == 0x66, bytes[5] == 0x65, bytes[6] == 0x3a, bytes[7] == 0x2f, bytes[8] == 0x2f
            else { return }
            let slash = UInt8(ascii: "/")
            var i = 9  // "spiffe://".utf8.count
            func segment() -> Range<Int>? {
                guard i < bytes.count else { return nil }
                let start = i
                while i < bytes.count, bytes[i] != slash { i += 1 }
                let range = start..<i
                if i < bytes.count { i += 1 }
                return range
            }
            // The bytes come from a valid String and are cut at ASCII "/": no validation needed.
            func text(_ r: Range<Int>) -> String {
                String(unsafeUninitializedCapacity: r.count) { buffer in
                    _ = buffer.initialize(from: UnsafeBufferPointer(rebasing: bytes[r]))
                    return r.count
                }
            }
            func isKey(_ r: Range<Int>, _ a: UInt8, _ b: UInt8) -> Bool {
                r.count == 2 && bytes[r.lowerBound] == a && bytes[r.lowerBound + 1] == b
            }
            guard let domain = segment(), !domain.isEmpty else { return }
            trustDomain = text(domain)
            while let key = segment() {
                guard let value = segment() else { break }
                if isKey(key, UInt8(ascii: "n"), UInt8(ascii: "s")) {
                    namespace = text(value)
                } else if isKey(key, UInt8(ascii: "s"), UInt8(ascii: "a")) {
                    serviceAccount = text(value)
                }
            }
        }
        return (trustDomain, namespace, serviceAccount)
    }
}
