import Yams

/// A YAML node of a policy, manifest or data file, as `YAMLComposer` builds it from libyaml's events: one object per
/// node (Yams' `Node` costs several reference-counted fields and a tag object per node, and a dictionary per mapping
/// to find duplicate keys), so reading a 10,000-rule bundle spends its time on the policies rather than on copies.
/// Aliases are resolved while composing: an alias is the very node its anchor names (as in Yams).
final class YAMLNode {
    enum Kind: UInt8 {
        case scalar
        case sequence
        case mapping
        /// Only from converting a Yams `Node` (which never holds one after composing).
        case alias
    }

    let kind: Kind
    /// The scalar style (`.any` for other nodes).
    let style: Node.Scalar.Style
    /// 1-based, as Yams' `Mark`; 0 when unknown.
    let line: Int
    let column: Int
    /// A scalar's text; empty for other nodes.
    let string: String
    /// A sequence's items; a mapping's keys and values, alternating.
    let children: ContiguousArray<YAMLNode>

    init(kind: Kind, style: Node.Scalar.Style, line: Int, column: Int, string: String, children: ContiguousArray<YAMLNode>) {
        self.kind = kind
        self.style = style
        self.line = line
        self.column = column
        self.string = string
        self.children = children
    }

    /// The number of key-value pairs of a mapping.
    var pairCount: Int { kind == .mapping ? children.count / 2 : 0 }

    /// Yams' composed tree in this form (used when a file has a YAML error and Yams read it).
    convenience init(_ node: Node) {
        let line = node.mark?.line ?? 0, column = node.mark?.column ?? 0
        switch node {
        case .scalar(let s):
            self.init(kind: .scalar, style: s.style, line: line, column: column, string: s.string, children: [])
        case .sequence(let seq):
            self.init(
                kind: .sequence, style: .any, line: line, column: column, string: "",
                children: ContiguousArray(seq.map { YAMLNode($0) }))
        case .mapping(let mapping):
            var children = ContiguousArray<YAMLNode>()
            children.reserveCapacity(mapping.count * 2)
            for (k, v) in mapping {
                children.append(YAMLNode(k))
                children.append(YAMLNode(v))
            }
            self.init(kind: .mapping, style: .any, line: line, column: column, string: "", children: children)
        case .alias:
            self.init(kind: .alias, style: .any, line: line, column: column, string: "", children: [])
        }
    }
}

/// What `NodeReader` needs of a node: a `YAMLNode` (policies, manifest, data) or a Yams `Node` (identity and test
/// files, whose parsers work on Yams' tree).
protocol YAMLNodeView {
    var viewKind: YAMLNode.Kind { get }
    var viewLine: Int { get }
    var viewColumn: Int { get }
    /// A scalar's text; nil for other nodes.
    var scalarText: String? { get }
    /// A scalar's style; nil for other nodes.
    var scalarStyle: Node.Scalar.Style? { get }
    /// A sequence's items; nil for other nodes.
    var sequenceItems: [Self]? { get }
    /// The number of pairs of a mapping; 0 for other nodes.
    var mappingCount: Int { get }
    /// Calls `body` with each key and value of a mapping, in order; false (without calling it) for other nodes.
    func forEachPair(_ body: (Self, Self) -> Void) -> Bool
}

extension YAMLNode: YAMLNodeView {
    var viewKind: Kind { kind }
    var viewLine: Int { line }
    var viewColumn: Int { column }
    var scalarText: String? { kind == .scalar ? string : nil }
    var scalarStyle: Node.Scalar.Style? { kind == .scalar ? style : nil }
    var sequenceItems: [YAMLNode]? { kind == .sequence ? Array(children) : nil }
    var mappingCount: Int { pairCount }

    func forEachPair(_ body: (YAMLNode, YAMLNode) -> Void) -> Bool {
        guard kind == .mapping else { return false }
        var i = 0
        while i + 1 < children.count {
            body(children[i], children[i + 1])
            i += 2
        }
        return true
    }
}

extension Node: YAMLNodeView {
    var viewKind: YAMLNode.Kind {
        switch self {
        case .scalar: return .scalar
        case .sequence: return .sequence
        case .mapping: return .mapping
        case .alias: return .alias
        }
    }
    var viewLine: Int { mark?.line ?? 0 }
    var viewColumn: Int { mark?.column ?? 0 }
    var scalarText: String? { scalar?.string }
    var scalarStyle: Node.Scalar.Style? { scalar?.style }
    var sequenceItems: [Node]? {
        if case .sequence(let seq) = self { return Array(seq) }
        return nil
    }

    var mappingCount: Int {
        if case .mapping(let mapping) = self { return mapping.count }
        return 0
    }

    func forEachPair(_ body: (Node, Node) -> Void) -> Bool {
        guard case .mapping(let mapping) = self else { return false }
        for (k, v) in mapping { body(k, v) }
        return true
    }
}
