import PortcullisModel

/// Why a schema could not be compiled. `pointer` is the JSON pointer of the offending place in the schema.
public struct SchemaCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var pointer: String
    public var message: String

    public init(pointer: String, message: String) {
        self.pointer = pointer
        self.message = message
    }

    public var description: String {
        "schema \(pointer.isEmpty ? "(root)" : pointer): \(message)"
    }
}

/// Compiles a schema document into `SchemaNode`s.
struct SchemaCompiler {
    static let maxSchemaDepth = 64

    /// Keywords accepted as annotations only (no validation effect).
    static let annotations: Set<String> = [
        "$schema", "$id", "$comment", "$anchor", "title", "description", "default", "examples",
        "deprecated", "readOnly", "writeOnly", "contentMediaType", "contentEncoding",
    ]

    let root: JSONValue
    let compilePattern: PatternCompiler
    var nodes: [SchemaNode] = []
    /// The schema location of each node, for diagnostics.
    var pointers: [String] = []
    var refs: [String: Int] = [:]

    init(root: JSONValue, compilePattern: @escaping PatternCompiler) {
        self.root = root
        self.compilePattern = compilePattern
    }

    mutating func reserve(_ pointer: String) -> Int {
        nodes.append(SchemaNode())
        pointers.append(pointer)
        return nodes.count - 1
    }

    /// Refuses reference cycles that never descend into the document (`a` -> `b` -> `a` through
    /// `$ref`/`allOf`/`anyOf`/`oneOf`/`not`): they would never terminate.
    func checkCycles() throws(SchemaCompileError) {
        func edges(_ n: SchemaNode) -> [Int] {
            var out = n.allOf + n.anyOf + n.oneOf
            if let r = n.ref { out.append(r) }
            if let x = n.not { out.append(x) }
            return out
        }
        // 0 unvisited, 1 on the stack, 2 done. Iterative DFS.
        var color = [UInt8](repeating: 0, count: nodes.count)
        for start in nodes.indices where color[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            color[start] = 1
            while let top = stack.last {
                let out = edges(nodes[top.node])
                if top.next < out.count {
                    stack[stack.count - 1].next += 1
                    let child = out[top.next]
                    if color[child] == 1 {
                        let at = pointers[child]
                        throw SchemaCompileError(pointer: at, message: "reference cycle that never descends into the document")
                    }
                    if color[child] == 0 {
                        color[child] = 1
                        stack.append((child, 0))
                    }
                } else {
                    color[top.node] = 2
                    stack.removeLast()
                }
            }
        }
    }

    /// Compiles `schema` (found at `pointer`) into a new node and returns its index.
    mutating func compile(_ schema: JSONValue, pointer: String, depth: Int) throws(SchemaCompileError) -> Int {
        let index = reserve(pointer)
        try compile(schema, into: index, pointer: pointer, depth: depth)
        return index
    }

    mutating func compile(_ schema: JSONValue, into index: Int, pointer: String, depth: Int) throws(SchemaCompileError) {
        if depth > Self.maxSchemaDepth {
            throw SchemaCompileError(pointer: pointer, message: "schema nested deeper than \(Self.maxSchemaDepth)")
        }
        var node = SchemaNode()
        switch schema {
        case .bool(let b):
            node.constant = b
            nodes[index] = node
            return
        case .object(let fields):
            for key in fields.keys.sorted() {
                guard let value = fields[key] else { continue }
                let at = pointer + "/" + SchemaPointer.escape(key)
                try keyword(key, value, node: &node, pointer: at, depth: depth)
            }
        default:
            throw SchemaCompileError(pointer: pointer, message: "a schema must be an object or a boolean")
        }
        nodes[index] = node
    }

    mutating func keyword(_ key: String, _ value: JSONValue, node: inout SchemaNode, pointer: String, depth: Int)
        throws(SchemaCompileError)
    {
        func fail(_ message: String) -> SchemaCompileError { SchemaCompileError(pointer: pointer, message: message) }
        switch key {
        case "type":
            var set: JSONTypeSet = []
            let names: [JSONValue]
            if case .array(let a) = value { names = a } else { names = [value] }
            if names.isEmpty { throw fail("must name at least one type") }
            for n in names {
                guard let s = n.stringValue, let t = JSONTypeSet.named(s) else {
                    throw fail("unknown type \(JSONWriter.string(n)); use null, boolean, integer, number, string, array or object")
                }
                set.insert(t)
            }
            node.types = set
        case "properties":
            guard case .object(let props) = value else { throw fail("must be an object") }
            for name in props.keys.sorted() {
                guard let sub = props[name] else { continue }
                node.properties[name] = try compile(sub, pointer: pointer + "/" + SchemaPointer.escape(name), depth: depth + 1)
            }
        case "required":
            guard case .array(let names) = value else { throw fail("must be an array of strings") }
            var seen = Set<String>()
            for n in names {
                guard let s = n.stringValue else { throw fail("must be an array of strings") }
                guard seen.insert(s).inserted else { throw fail("required lists \"\(s)\" twice") }
                node.required.append(s)
            }
        case "additionalProperties":
            node.additionalProperties = try compile(value, pointer: pointer, depth: depth + 1)
        case "items":
            if case .array = value {
                throw fail("items must be a schema (draft 2020-12); tuple validation uses prefixItems, which is not supported")
            }
            node.items = try compile(value, pointer: pointer, depth: depth + 1)
        case "minItems": node.minItems = try count(value, fail)
        case "maxItems": node.maxItems = try count(value, fail)
        case "minLength": node.minLength = try count(value, fail)
        case "maxLength": node.maxLength = try count(value, fail)
        case "enum":
            guard case .array(let values) = value, !values.isEmpty else { throw fail("must be a non-empty array") }
            node.enumValues = values
        case "const":
            node.constValue = value
        case "minimum": node.minimum = try number(value, fail)
        case "maximum": node.maximum = try number(value, fail)
        case "exclusiveMinimum": node.exclusiveMinimum = try number(value, fail)
        case "exclusiveMaximum": node.exclusiveMaximum = try number(value, fail)
        case "pattern":
            guard let source = value.stringValue else { throw fail("must be a string") }
            do {
                node.pattern = (source, try compilePattern(source))
            } catch {
                throw fail("invalid pattern \"\(source)\": \(error)")
            }
        case "format":
            guard let name = value.stringValue else { throw fail("must be a string") }
            guard let format = SchemaFormat(rawValue: name) else {
                throw fail("unsupported format \"\(name)\"; supported: date-time, email, uuid")
            }
            node.format = format
        case "allOf": node.allOf = try list(value, pointer: pointer, depth: depth, fail)
        case "anyOf": node.anyOf = try list(value, pointer: pointer, depth: depth, fail)
        case "oneOf": node.oneOf = try list(value, pointer: pointer, depth: depth, fail)
        case "not": node.not = try compile(value, pointer: pointer, depth: depth + 1)
        case "$ref":
            guard let target = value.stringValue else { throw fail("must be a string") }
            node.ref = try resolve(target, fail)
        case "$defs", "definitions":
            guard case .object = value else { throw fail("must be an object") }
            // Compiled when referenced.
        default:
            if Self.annotations.contains(key) { return }
            throw fail("unsupported keyword \"\(key)\"")
        }
    }

    func count(_ value: JSONValue, _ fail: (String) -> SchemaCompileError) throws(SchemaCompileError) -> Int {
        guard case .number(let d) = value, d >= 0, d == d.rounded(), d < 1e15 else {
            throw fail("must be a non-negative integer")
        }
        return Int(d)
    }

    func number(_ value: JSONValue, _ fail: (String) -> SchemaCompileError) throws(SchemaCompileError) -> Double {
        guard case .number(let d) = value else { throw fail("must be a number") }
        return d
    }

    mutating func list(_ value: JSONValue, pointer: String, depth: Int, _ fail: (String) -> SchemaCompileError)
        throws(SchemaCompileError) -> [Int]
    {
        guard case .array(let schemas) = value, !schemas.isEmpty else { throw fail("must be a non-empty array of schemas") }
        var out: [Int] = []
        for (i, s) in schemas.enumerated() {
            out.append(try compile(s, pointer: pointer + "/\(i)", depth: depth + 1))
        }
        return out
    }

    /// Resolves `#` and `#/$defs/<name>` (or `#/definitions/<name>`) references in this document.
    mutating func resolve(_ target: String, _ fail: (String) -> SchemaCompileError) throws(SchemaCompileError) -> Int {
        if let known = refs[target] { return known }
        if target == "#" {
            refs[target] = 0
            return 0
        }
        let parts = target.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0] == "#", parts[1] == "$defs" || parts[1] == "definitions" else {
            throw fail("unsupported $ref \"\(target)\"; only \"#\" and \"#/$defs/<name>\" are supported")
        }
        let name = SchemaPointer.unescape(parts[2])
        guard let defs = root[parts[1]], let schema = defs[name] else {
            throw fail("$ref \"\(target)\" does not resolve")
        }
        let defPointer = "/" + parts[1] + "/" + parts[2]
        let index = reserve(defPointer)
        refs[target] = index
        try compile(schema, into: index, pointer: defPointer, depth: 1)
        return index
    }
}

/// JSON pointer (RFC 6901) token escaping.
enum SchemaPointer {
    static func escape(_ token: String) -> String {
        // No "~" or "/" byte, so no such character: nothing to escape (checked on bytes, without iterating characters).
        if !token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) { return token }
        if !token.contains("~") && !token.contains("/") { return token }
        return token.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
    }

    static func unescape(_ token: String) -> String {
        if !token.contains("~") { return token }
        return token.replacingAll("~1", with: "/").replacingAll("~0", with: "~")
    }
}

extension String {
    /// Replaces every occurrence of `target` (non-empty) with `replacement`, without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[rest.startIndex..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        out += rest
        return out
    }
}
