import Testing
@testable import PortcullisPolicy

@Suite struct StringHashSetTests {
    @Test(arguments: [0, 1, 8, 9, 33, 500])
    func containsExactlyWhatWasInserted(count: Int) {
        let values = (0..<count).map { "spiffe://cluster.local/ns/team\($0)/sa/client" }
        var set = StringHashSet(values)
        if let first = values.first { set.insert(first) }  // a duplicate changes nothing
        for v in values { #expect(set.contains(v)) }
        #expect(!set.contains("spiffe://cluster.local/ns/team\(count)/sa/client"))
        #expect(!set.contains(""))
        #expect(set.isEmpty == (count == 0))
    }

    @Test func comparesBytesNotCharacters() {
        let set = StringHashSet(["caf\u{E9}"])  // precomposed é
        #expect(set.contains("caf\u{E9}"))
        #expect(!set.contains("cafe\u{301}"))  // e + combining acute: another byte sequence
    }
}
