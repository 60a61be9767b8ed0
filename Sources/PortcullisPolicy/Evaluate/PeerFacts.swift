/// Where the parts of a peer's SPIFFE ID lie in its UTF-8 bytes: `spiffe://<trust domain>/ns/<namespace>/sa/<account>`.
/// Offsets only (no strings are built to match them): the matchers compare these byte ranges of the principal in
/// place, and an expression that reads a part gets a string made then.
struct PeerParts: Sendable {
    var trustDomain: Range<Int> = 0..<0
    var namespace: Range<Int> = 0..<0
    var serviceAccount: Range<Int> = 0..<0

    init() {}

    /// One pass over the bytes: the trust domain, then `key/value` segment pairs, of which `ns` and `sa` are kept.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        // "spiffe://", compared as bytes (`hasPrefix` compares Unicode characters).
        guard n > 9, bytes[0] == 0x73, bytes[1] == 0x70, bytes[2] == 0x69, bytes[3] == 0x66,
            bytes[4] == 0x66, bytes[5] == 0x65, bytes[6] == 0x3a, bytes[7] == 0x2f, bytes[8] == 0x2f
        else { return }
        let slash = UInt8(ascii: "/")
        var i = 9  // "spiffe://".utf8.count
        while i < n, bytes[i] != slash { i &+= 1 }
        guard i > 9 else { return }
        trustDomain = 9..<i
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
                    namespace = valueStart..<valueEnd
                } else if a == UInt8(ascii: "s"), b == UInt8(ascii: "a") {
                    serviceAccount = valueStart..<valueEnd
                }
            }
            i = valueEnd
        }
    }

    init(principal: String) {
        var p = principal
        self = p.withUTF8 { PeerParts($0) }
    }

    /// A part of `principal` (whose parts these are) as a string. The bytes come from a valid String and are cut at
    /// ASCII "/": no validation needed.
    static func text(_ principal: String, _ range: Range<Int>) -> String {
        guard !range.isEmpty else { return "" }
        var p = principal
        return p.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: range.count) { buffer in
                _ = buffer.initialize(from: UnsafeBufferPointer(rebasing: bytes[range]))
                return range.count
            }
        }
    }
}

/// The parts of a peer's SPIFFE ID as strings.
struct PeerFacts: Sendable {
    let trustDomain: String
    let namespace: String
    let serviceAccount: String

    init(principal: String, parts: PeerParts) {
        trustDomain = PeerParts.text(principal, parts.trustDomain)
        namespace = PeerParts.text(principal, parts.namespace)
        serviceAccount = PeerParts.text(principal, parts.serviceAccount)
    }

    init(principal: String) {
        self.init(principal: principal, parts: PeerParts(principal: principal))
    }
}
