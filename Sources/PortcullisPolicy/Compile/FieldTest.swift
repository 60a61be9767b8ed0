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

    /// The payloads of the common kinds again, in fields a decision reads in place (binding `kind`'s payload copies
    /// it, retaining the matcher or the pattern list on every test).
    private let attribute: StringAttribute
    /// Unretained: `kind` holds the matcher (a placeholder for other kinds).
    private let matcher: Unmanaged<StringSetMatcher>
    private let paths: [PathPattern]
    private static let noMatcher = StringSetMatcher([])

    init(kind: Kind, negated: Bool, key: String) {
        self.kind = kind
        self.negated = negated
        self.key = key
        switch kind {
        case .strings(let attribute, let matcher):
            (self.attribute, self.matcher, paths) = (attribute, .passUnretained(matcher), [])
        case .paths(let patterns):
            (attribute, matcher, paths) = (.method, .passUnretained(Self.noMatcher), patterns)
        default:
            (attribute, matcher, paths) = (.method, .passUnretained(Self.noMatcher), [])
        }
    }

    func matches(_ facts: RequestFacts) -> Bool {
        let hit: Bool
        switch kind {
        case .strings:
            hit = matcher._withUnsafeGuaranteedRef { m in facts.withString(attribute) { m.matches(bytes: $0) } }
        case .paths:
            hit = facts.withURLPath { path in
                for i in paths.indices where paths[i].matches(bytes: path) { return true }
                return false
            }
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

/// An ANDed group of field tests: one `from` source, one `to` operation, or a selector. A class, so that reading one
/// out of a rule's list retains one object rather than both of its arrays.
final class FieldGroup: Sendable {
    let tests: [FieldTest]

    init(tests: [FieldTest]) {
        self.tests = tests
    }

    /// The first test that fails, or nil when all pass.
    func firstFailure(_ facts: RequestFacts) -> FieldTest? {
        for test in tests where !test.matches(facts) { return test }
        return nil
    }

    /// The tests are read unretained: the group holds them for as long as it is being matched.
    func matches(_ facts: RequestFacts) -> Bool {
        tests.withUnsafeBufferPointer { tests in
            for i in tests.indices where !Unmanaged.passUnretained(tests[i])._withUnsafeGuaranteedRef({ $0.matches(facts) }) {
                return false
            }
            return true
        }
    }
}
