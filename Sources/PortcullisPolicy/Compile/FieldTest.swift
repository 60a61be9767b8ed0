import CELSupport

/// One compiled field of a `from` source, `to` operation or selector: a positive or `not_` test.
/// A class, so that the matchers read it in place instead of copying (and retaining) its payload per test.
final class FieldTest: Sendable {
    enum Kind: Sendable {
        case strings(StringAttribute, StringSetMatcher)
        case paths([PathPattern])
        case ports(Set<UInt32>)
        case ipBlocks([CIDR])
        /// A `context_extensions` key that must have this value.
        case contextExtension(key: String, value: String)
    }

    let kind: Kind
    let negated: Bool
    /// The field as written (`not_principals`), for explanations.
    let key: String

    init(kind: Kind, negated: Bool, key: String) {
        self.kind = kind
        self.negated = negated
        self.key = key
    }

    func matches(_ facts: RequestFacts) -> Bool {
        let hit: Bool
        switch kind {
        case .strings(let attribute, let matcher):
            hit = facts.withString(attribute) { matcher.matches(bytes: $0) }
        case .paths(let patterns):
            hit = patterns.contains { $0.matches(facts.urlPath) }
        case .ports(let ports):
            hit = ports.contains(facts.port)
        case .ipBlocks(let blocks):
            if let ip = facts.sourceIP { hit = blocks.contains { $0.contains(ip) } } else { hit = false }
        case .contextExtension(let key, let value):
            hit = facts.request.contextExtensions[key] == value
        }
        return hit != negated
    }

    /// The index dimension and keys of a positive test, when it can be indexed.
    var indexEntry: (dimension: IndexDimension, keys: [IndexKey])? {
        guard !negated else { return nil }
        switch kind {
        case .strings(let attribute, let matcher):
            var keys: [IndexKey] = []
            for p in matcher.all {
                guard let k = p.indexKey else { return nil }
                keys.append(k)
            }
            return (.attribute(attribute), keys)
        case .paths(let patterns):
            var keys: [IndexKey] = []
            for p in patterns {
                guard let k = p.indexKey else { return nil }
                keys.append(k)
            }
            return (.path, keys)
        case .ports(let ports):
            return (.port, ports.sorted().map { .exact(String($0)) })
        case .ipBlocks:
            return nil
        case .contextExtension(let key, let value):
            return (.contextExtension, [.exact(key + "\u{0}" + value)])
        }
    }
}

/// An ANDed group of field tests: one `from` source, one `to` operation, or a selector.
struct FieldGroup: Sendable {
    var tests: [FieldTest]

    /// The first test that fails, or nil when all pass.
    func firstFailure(_ facts: RequestFacts) -> FieldTest? {
        for test in tests where !test.matches(facts) { return test }
        return nil
    }

    /// Reads the tests in place (a `for in` copies each one, retaining its strings and matchers).
    func matches(_ facts: RequestFacts) -> Bool {
        for i in tests.indices where !tests[i].matches(facts) { return false }
        return true
    }
}
