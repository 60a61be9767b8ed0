import Testing
@testable import PortcullisPolicy

@Suite struct KeyIndexTests {
    /// Values and keys of every length around the hash's 8-byte words: a key is found exactly when the value equals,
    /// starts with or ends with it (a hash collision could only add an item; none occurs among these).
    @Test func findsKeysOfEveryLengthAcrossWordBoundaries() {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let value = String(alphabet[0..<26])
        let index = KeyIndex()
        var expected: [Int32: Bool] = [:]
        var item: Int32 = 0
        for n in 0...26 {
            let head = String(value.prefix(n))
            let tail = String(value.suffix(n))
            let other = String(alphabet[10..<(10 + n)])
            for (key, hit) in [
                (IndexKey.exact(head), n == 26), (.exact(other), false),
                (.prefix(head), n > 0), (.prefix(head + "!"), false), (.suffix(tail), n > 0), (.suffix("!" + tail), false),
            ] {
                if case .prefix(let s) = key, s.isEmpty { continue }
                if case .suffix(let s) = key, s.isEmpty { continue }
                index.add(key, item: item)
                expected[item] = hit
                item += 1
            }
        }
        var out: [Int32] = []
        index.lookup(value, into: &out)
        let found = Set(out)
        for (id, hit) in expected { #expect(found.contains(id) == hit, "item \(id)") }
    }
}
