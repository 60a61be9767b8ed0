import CEL

/// A set of strings looked up by a fast 64-bit hash of their bytes (the key index's), then compared byte for
/// byte. `Set<String>` hashes with SipHash, several times slower for the long
/// SPIFFE IDs and host names the matchers test.
struct StringHashSet: Sendable {
    private var strings: [String] = []
    /// Per string, its hash; up to `linearLimit` strings these are scanned (no slot table to allocate).
    private var stringHashes: [UInt64] = []
    /// Past `linearLimit`, open addressing: slot -> index into `strings` + 1 (0 = empty), with the hashes.
    private var slots: [Int32] = []
    private var hashes: [UInt64] = []
    private static let linearLimit = 8

    init(_ values: some Sequence<String>) {
        for v in values { insert(v) }
    }

    var isEmpty: Bool { strings.isEmpty }

    mutating func insert(_ value: String) {
        if contains(value) { return }
        let h = Self.hash(value)
        strings.append(value)
        stringHashes.append(h)
        guard strings.count > Self.linearLimit else { return }
        if strings.count * 2 > slots.count {
            rehash(capacity: max(32, slots.count * 2))
        } else {
            place(Int32(strings.count), hash: h)
        }
    }

    func contains(_ value: String) -> Bool {
        StringBytes.withBytes(value) { contains(bytes: $0) }
    }

    func contains(bytes value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !strings.isEmpty else { return false }
        let h = KeyIndex.hash(value)
        if slots.isEmpty {
            for i in stringHashes.indices where stringHashes[i] == h && StringBytes.equal(value, strings[i]) { return true }
            return false
        }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { return false }
            if hashes[i] == h, StringBytes.equal(value, strings[Int(s) - 1]) { return true }
            i = (i + 1) & mask
        }
    }

    private mutating func place(_ entry: Int32, hash h: UInt64) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = entry
        hashes[i] = h
    }

    private mutating func rehash(capacity: Int) {
        slots = Array(repeating: 0, count: capacity)
        hashes = Array(repeating: 0, count: capacity)
        for j in strings.indices { place(Int32(j + 1), hash: stringHashes[j]) }
    }

    /// The key index's hash (FNV-1a with a final mix) of the string's bytes.
    static func hash(_ value: String) -> UInt64 {
        StringBytes.withBytes(value) { KeyIndex.hash($0) }
    }
}
