import PortcullisModel

/// One API key as stored in bundle data: only the SHA-256 digest of the key, never the key.
public struct APIKeyEntry: Sendable, Hashable {
    public let digest: SHA256Digest
    /// Who the key belongs to (a partner, a service).
    public let owner: String
    public let scopes: [String]
    /// Free-form data rules may read.
    public let metadata: [String: JSONValue]

    public init(digest: SHA256Digest, owner: String, scopes: [String] = [], metadata: [String: JSONValue] = [:]) {
        self.digest = digest
        self.owner = owner
        self.scopes = scopes
        self.metadata = metadata
    }

    /// The identity rules read: `{"owner": …, "scopes": […], "metadata": {…}}` (never the digest).
    public var jsonValue: JSONValue {
        .object([
            "owner": .string(owner),
            "scopes": .array(scopes.map(JSONValue.string)),
            "metadata": .object(metadata),
        ])
    }
}

/// API keys by digest: O(1) look-up of a presented key, confirmed with a constant-time compare.
///
/// **Stored form.** A key is stored as `sha256:` followed by the 64 lower-case hexadecimal digits of
/// the SHA-256 digest of the key's UTF-8 bytes, exactly as presented (no trimming, no decoding),
/// e.g. `sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae` for `foo`.
/// `portcullis apikey hash` prints it. Upper-case hex is accepted when loading.
public struct APIKeyStore: Sendable {
    typealias Key = SHA256Digest

    let entries: [APIKeyEntry]
    let index: [Key: Int]

    /// Why a key list was refused.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The stored form of `key`: `sha256:<hex>`.
    public static func storedForm(of key: String) -> String {
        "sha256:" + SHA256Digest(of: key).hex
    }

    /// Parses a stored form (`sha256:<64 hex digits>`).
    public static func parseStoredForm(_ text: String) -> SHA256Digest? {
        guard text.hasPrefix("sha256:") else { return nil }
        return SHA256Digest(hex: text.dropFirst("sha256:".count))
    }

    /// A store of `entries`; two entries with the same digest are an error.
    public init(entries: [APIKeyEntry]) throws(Invalid) {
        var index: [Key: Int] = [:]
        index.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() {
            guard index.updateValue(i, forKey: e.digest) == nil else {
                throw Invalid(message: "keys[\(i)]: the same key digest appears twice")
            }
        }
        self.entries = entries
        self.index = index
    }

    /// A store from bundle data: an array of `{"digest": "sha256:…", "owner": "…", "scopes": ["…"],
    /// "metadata": {…}}` objects, or an object with such an array under `"keys"`. `scopes` and
    /// `metadata` are optional. Every problem is reported with the entry's index.
    public init(json: JSONValue) throws(Invalid) {
        let list: [JSONValue]
        switch json {
        case .array(let a): list = a
        case .object where json["keys"] != nil:
            guard case .array(let a)? = json["keys"] else { throw Invalid(message: "\"keys\" must be an array") }
            list = a
        default: throw Invalid(message: "expected an array of API key entries")
        }
        var entries: [APIKeyEntry] = []
        entries.reserveCapacity(list.count)
        for (i, item) in list.enumerated() {
            guard case .object(let o) = item else { throw Invalid(message: "keys[\(i)]: must be an object") }
            guard let text = o["digest"]?.stringValue, let digest = Self.parseStoredForm(text) else {
                throw Invalid(message: "keys[\(i)]: digest must be \"sha256:\" and 64 hex digits (see `portcullis apikey hash`)")
            }
            guard let owner = o["owner"]?.stringValue, !owner.isEmpty else {
                throw Invalid(message: "keys[\(i)]: owner must be a non-empty string")
            }
            var scopes: [String] = []
            if let s = o["scopes"] {
                guard case .array(let items) = s, items.allSatisfy({ $0.stringValue != nil }) else {
                    throw Invalid(message: "keys[\(i)]: scopes must be an array of strings")
                }
                scopes = items.compactMap(\.stringValue)
            }
            var metadata: [String: JSONValue] = [:]
            if let m = o["metadata"] {
                guard case .object(let fields) = m else { throw Invalid(message: "keys[\(i)]: metadata must be an object") }
                metadata = fields
            }
            for key in o.keys where !["digest", "owner", "scopes", "metadata"].contains(key) {
                throw Invalid(message: "keys[\(i)]: unknown field \"\(key)\"")
            }
            entries.append(APIKeyEntry(digest: digest, owner: owner, scopes: scopes, metadata: metadata))
        }
        try self.init(entries: entries)
    }

    /// The entry for a presented key, or nil. Hashes the key, finds the candidate by digest in O(1),
    /// and confirms it with a constant-time comparison of the digests.
    public func lookup(_ presentedKey: String) -> APIKeyEntry? {
        lookup(digest: SHA256Digest(of: presentedKey))
    }

    /// The entry for a digest already computed.
    public func lookup(digest: SHA256Digest) -> APIKeyEntry? {
        guard let i = index[digest] else { return nil }
        let entry = entries[i]
        return entry.digest.constantTimeEquals(digest) ? entry : nil
    }

    public var count: Int { entries.count }
}
