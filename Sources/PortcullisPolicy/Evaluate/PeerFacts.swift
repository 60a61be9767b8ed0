/// The parts of a peer's SPIFFE ID: `spiffe://<trust domain>/ns/<namespace>/sa/<account>`.
/// A value held inside `RequestFacts` (no allocation per peer): the parts are short, usually stored inline in
/// their strings, so copying them costs no reference counting.
struct PeerFacts: Sendable {
    let trustDomain: String
    let namespace: String
    let serviceAccount: String

    static let none = PeerFacts(trustDomain: "", namespace: "", serviceAccount: "")

    private init(trustDomain: String, namespace: String, serviceAccount: String) {
        self.trustDomain = trustDomain
        self.namespace = namespace
        self.serviceAccount = serviceAccount
    }

    /// Parsed on UTF-8 bytes without intermediate arrays: this runs for both peers of most decisions.
    init(principal: String) {
        var p = principal
        (trustDomain, namespace, serviceAccount) = p.withUTF8 { Self.parse($0) }
    }

    /// One pass over the bytes: the trust domain, then `key/value` segment pairs, of which `ns` and `sa` are kept.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (String, String, String) {
        let n = bytes.count
        // "spiffe://", compared as bytes (`hasPrefix` compares Unicode characters).
        guard n > 9, bytes[0] == 0x73, bytes[1] == 0x70, bytes[2] == 0x69, bytes[3] == 0x66,
            bytes[4] == 0x66, bytes[5] == 0x65, bytes[6] == 0x3a, bytes[7] == 0x2f, bytes[8] == 0x2f
        else { return ("", "", "") }
        let slash = UInt8(ascii: "/")
        var i = 9  // "spiffe://".utf8.count
        while i < n, bytes[i] != slash { i &+= 1 }
        guard i > 9 else { return ("", "", "") }
        let trustDomain = text(bytes, 9, i)
        var namespace = ""
        var serviceAccount = ""
        // i is at the "/" ending the previous segment (or at the end).
        while i < n {
            let keyStart = i &+ 1
            var keyEnd = keyStart
            while keyEnd < n, bytes[keyEnd] != slash { keyEnd &+= 1 }
            guard keyEnd < n else { break }  // a key without a value
            let valueStart = keyEnd &+ 1
            var valueEnd = valueStart
            while valueEnd < n, bytes[valueEnd] != slash { valueEnd &+= 1 }
            if keyEnd &- keyStart == 2 {
                let a = bytes[keyStart], b = bytes[keyStart &+ 1]
                if a == UInt8(ascii: "n"), b == UInt8(ascii: "s") {
                    namespace = text(bytes, valueStart, valueEnd)
                } else if a == UInt8(ascii: "s"), b == UInt8(ascii: "a") {
                    serviceAccount = text(bytes, valueStart, valueEnd)
                }
            }
            i = valueEnd
        }
        return (trustDomain, namespace, serviceAccount)
    }

    /// The bytes come from a valid String and are cut at ASCII "/": no validation needed.
    @inline(__always)
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let count = end &- start
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            _ = buffer.initialize(from: UnsafeBufferPointer(rebasing: bytes[start..<end]))
            return count
        }
    }
}
