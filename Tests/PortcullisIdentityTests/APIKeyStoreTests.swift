import JSONSchema
import PortcullisModel
import Testing

@testable import PortcullisIdentity

@Suite struct APIKeyStoreTests {
    @Test func storedForm() {
        #expect(APIKeyStore.storedForm(of: "foo") == "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
        #expect(APIKeyStore.parseStoredForm("sha256:2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE") == SHA256Digest(of: "foo"))
        #expect(APIKeyStore.parseStoredForm("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae") == nil)
        #expect(APIKeyStore.parseStoredForm("sha256:2c26") == nil)
    }

    @Test func lookupFromBundleData() throws {
        let data = try JSONParser().parse("""
        {"keys": [
          {"digest": "\(APIKeyStore.storedForm(of: "partner-a-key"))", "owner": "partner-a", "scopes": ["orders:read"],
           "metadata": {"tier": "gold"}},
          {"digest": "\(APIKeyStore.storedForm(of: "partner-b-key"))", "owner": "partner-b"}
        ]}
        """)
        let store = try APIKeyStore(json: data)
        #expect(store.count == 2)
        let a = try #require(store.lookup("partner-a-key"))
        #expect(a.owner == "partner-a")
        #expect(a.scopes == ["orders:read"])
        #expect(a.jsonValue == .object(["owner": .string("partner-a"), "scopes": .array([.string("orders:read")]),
                                        "metadata": .object(["tier": .string("gold")])]))
        #expect(store.lookup("partner-b-key")?.scopes == [])
        #expect(store.lookup("partner-a-key ") == nil)
        #expect(store.lookup("") == nil)
    }

    @Test(arguments: [
        (#"[{"digest": "md5:abc", "owner": "x"}]"#, #"keys[0]: digest must be "sha256:" and 64 hex digits (see `portcullis apikey hash`)"#),
        (#"[{"digest": "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}]"#, "keys[0]: owner must be a non-empty string"),
        (#"[{"digest": "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", "owner": "x", "scopes": "all"}]"#, "keys[0]: scopes must be an array of strings"),
        (#"[{"digest": "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", "owner": "x", "key": "foo"}]"#, #"keys[0]: unknown field "key""#),
        (#"[{"digest": "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", "owner": "x"}, {"digest": "sha256:2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE", "owner": "y"}]"#, "keys[1]: the same key digest appears twice"),
        ("{}", "expected an array of API key entries"),
    ])
    func invalidData(_ text: String, _ message: String) throws {
        let value = try JSONParser().parse(text)
        #expect {
            _ = try APIKeyStore(json: value)
        } throws: { error in
            (error as? APIKeyStore.Invalid)?.message == message
        }
    }

    @Test func manyKeys() throws {
        let entries = (0..<10_000).map { APIKeyEntry(digest: SHA256Digest(of: "key-\($0)"), owner: "o\($0)") }
        let store = try APIKeyStore(entries: entries)
        #expect(store.lookup("key-9876")?.owner == "o9876")
        #expect(store.lookup("key-10000") == nil)
    }
}
