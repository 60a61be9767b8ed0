import Testing
import Yams
@testable import PortcullisPolicy

/// `YAMLComposer` must compose exactly what Yams composes (documents, kinds, texts, styles, positions), and leave
/// every file with a problem to Yams, so that diagnostics stay Yams'.
@Suite struct YAMLComposerTests {
    /// Kind, style, position and text of every node, depth first.
    private func describe(_ node: YAMLNode) -> [String] {
        var out = ["\(node.kind) \(node.style) \(node.line):\(node.column) \(String(reflecting: node.string))"]
        for child in node.children { out += describe(child) }
        return out
    }

    private func viaYams(_ text: String) throws -> [[String]] {
        try Array(Yams.compose_all(yaml: text, .basic)).map { describe(YAMLNode($0)) }
    }

    private func viaComposer(_ text: String) -> [[String]]? {
        YAMLComposer.documents(text).map { $0.map { describe($0) } }
    }

    static let validFiles = [
        "",
        "# only a comment\n",
        "name: p\n",
        "---\n---\nname: p\n...\n",
        "name: p\nrules:\n  - name: r1\n    action: allow\n    when: [\"a == 'b'\", 'c', d]\n",
        "a: &x {k: v, 'q': \"w\"}\nb: *x\nc: [*x, *x]\n",
        "s: &s text\nt: *s\n*s : u\n",
        "lit: |\n  line one\n  line two\nfold: >-\n  folded\n  text\n",
        "empty:\nnull: ~\nquoted: ''\n",
        "- 1\n- -2\n- 0x1f\n- .inf\n- true\n- [a, [b, {c: d}]]\n",
        "é: ünïcödé\n\"tab\\tkey\": x\nk: \"line\\nbreak\"\n",
        "a:\r\n  b: c\r\n",
        String(repeating: "- {name: n, v: [1, 2, 3]}\n", count: 50),
        (0..<20).map { "key\($0): value\($0)" }.joined(separator: "\n") + "\n",
    ]

    @Test(arguments: validFiles)
    func composesWhatYamsComposes(_ text: String) throws {
        let expected = try viaYams(text)
        #expect(viaComposer(text) == expected)
    }

    static let filesLeftToYams = [
        "name: p\nrules: [\n  - action: allow\n",  // syntax error
        "a: *missing\n",  // undefined alias
        "a: 1\nb: 2\na: 3\n",  // duplicate key
        "a: 1\n'a': 2\n",  // duplicate key, one quoted (equal under the basic resolver)
        (0..<20).map { "key\($0): v" }.joined(separator: "\n") + "\nkey7: again\n",  // duplicate in a large mapping
        "? [a, b]\n: complex key\n",  // a key that is not a scalar
        "!!str a: 1\n",  // a tagged key
        "x: &k key\n*k : 1\nkey: 2\n",  // a duplicate through an alias
        "ok: 1\n---\nbad: [\n",  // a second document with an error
        "a: \u{1}\n",  // a control character
    ]

    @Test(arguments: filesLeftToYams)
    func leavesProblemFilesToYams(_ text: String) {
        #expect(viaComposer(text) == nil)
    }

    @Test func aliasIsTheAnchoredNode() throws {
        let docs = try #require(YAMLComposer.documents("a: &x [1, 2]\nb: *x\n"))
        let root = try #require(docs.first)
        #expect(root.children[1] === root.children[3])
    }

    @Test func aProblemFileReadsAsBefore() {
        let sink = DiagnosticSink(nodeBudget: 1000)
        let file = SourceFile(path: "p.yaml", bytes: Array("ok: 1\n---\na: 1\na: 2\n".utf8))
        sink.register(file)
        let nodes = YAMLReader.nodes(file, sink: sink)
        #expect(nodes.count == 1)  // the document before the error, as Yams gives it
        #expect(sink.diagnostics.map(\.description) == ["p.yaml:3:1: error: duplicate key \"a\" in mapping\n    a: 1\n    ^"])
    }
}
