/// A peer's principal with the parts of its SPIFFE ID: `spiffe://<trust domain>/ns/<namespace>/sa/<account>`.
struct PeerFacts: Sendable {
    var principal: String
    var trustDomain: String = ""
    var namespace: String = ""
    var serviceAccount: String = ""

    private static let scheme = Array("spiffe://".utf8)

    /// Parsed on UTF-8 bytes without intermediate arrays: this runs for both peers of most decisions.
    init(principal: String) {
        self.principal = principal
        let bytes = principal.utf8
        guard bytes.starts(with: Self.scheme) else { return }
        let slash = UInt8(ascii: "/")
        var i = bytes.index(bytes.startIndex, offsetBy: Self.scheme.count)
        // The segment from i up to the next "/" (or the end); advances i past the "/".
        func segment() -> Substring.UTF8View? {
            guard i < bytes.endIndex else { return nil }
            let start = i
            while i < bytes.endIndex, bytes[i] != slash { i = bytes.index(after: i) }
            let piece = Substring(principal)[start..<i].utf8
            if i < bytes.endIndex { i = bytes.index(after: i) }
            return piece
        }
        guard let domain = segment(), !domain.isEmpty else { return }
        trustDomain = String(Substring(domain))
        while let key = segment() {
            guard let value = segment() else { break }
            if key.elementsEqual("ns".utf8) {
                namespace = String(Substring(value))
            } else if key.elementsEqual("sa".utf8) {
                serviceAccount = String(Substring(value))
            }
        }
    }
}
