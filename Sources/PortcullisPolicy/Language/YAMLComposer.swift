// libyaml as Yams ships it (Yams' `CYaml` target: the same parser Yams' `compose_all` drives).
internal import CYaml
import Yams

/// Composes `YAMLNode` trees straight from libyaml's events, as Yams' `compose_all` composes `Node`s from the same
/// events (same documents, positions, styles, anchors and aliases), without Yams' per-event objects, per-node tag
/// objects, Foundation string decoding and per-mapping dictionaries.
///
/// It only handles the files that compose without a problem: on any error (a syntax error, an undefined alias, a
/// duplicate key, or a mapping key it cannot compare the way Yams does) it returns nil and the caller reads the file
/// with Yams, whose error is reported exactly as before.
enum YAMLComposer {
    static func documents(_ text: String) -> [YAMLNode]? {
        var bytes = Array(text.utf8)
        let count = bytes.count
        bytes.append(0)  // never read (the length excludes it); keeps the pointer non-null for an empty file
        return bytes.withUnsafeBufferPointer { buffer -> [YAMLNode]? in
            let composer = Composer()
            defer { composer.close() }
            return composer.documents(buffer.baseAddress!, count: count)
        }
    }
}

private struct ComposeFailure: Error {}

private final class Composer {
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    var anchors: [String: YAMLNode] = [:]
    var initialized = false

    func close() {
        if initialized { yaml_parser_delete(parser) }
        parser.deallocate()
    }

    func documents(_ input: UnsafePointer<UInt8>, count: Int) -> [YAMLNode]? {
        guard yaml_parser_initialize(parser) == 1 else { return nil }
        initialized = true
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input, count)
        do {
            var event = try next()
            let isStreamStart = event.type == YAML_STREAM_START_EVENT
            yaml_event_delete(&event)
            guard isStreamStart else { return nil }
            var documents: [YAMLNode] = []
            while parser.pointee.stream_end_produced == 0 {
                var start = try next()
                let type = start.type
                yaml_event_delete(&start)
                if type == YAML_STREAM_END_EVENT { break }
                guard type == YAML_DOCUMENT_START_EVENT else { return nil }
                var first = try next()
                documents.append(try node(&first))
                var end = try next()
                yaml_event_delete(&end)
            }
            return documents
        } catch {
            return nil
        }
    }

    private func next() throws(ComposeFailure) -> yaml_event_t {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw ComposeFailure() }
        return event
    }

    /// The node that starts with `event` (deleted here).
    private func node(_ event: inout yaml_event_t) throws(ComposeFailure) -> YAMLNode {
        let line = Int(event.start_mark.line) + 1
        let column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor)
            yaml_event_delete(&event)
            guard let name, let target = anchors[name] else { throw ComposeFailure() }
            return target
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            // A key with an explicit tag would compare by that tag in Yams' duplicate check: leave such files to Yams.
            let tagged = s.quoted_implicit != 1 && s.tag != nil
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let style = Node.Scalar.Style(rawValue: numericCast(s.style.rawValue)) ?? .any
            let anchor = Self.string(s.anchor)
            yaml_event_delete(&event)
            let node = YAMLNode(kind: .scalar, style: style, line: line, column: column, string: text, children: [])
            if tagged { taggedScalars.insert(ObjectIdentifier(node)) }
            if let anchor { anchors[anchor] = node }
            return node
        case YAML_SEQUENCE_START_EVENT:
            let anchor = Self.string(event.data.sequence_start.anchor)
            yaml_event_delete(&event)
            let base = scratch.count
            while true {
                var item = try next()
                if item.type == YAML_SEQUENCE_END_EVENT {
                    yaml_event_delete(&item)
                    break
                }
                let child = try node(&item)
                scratch.append(child)
            }
            let node = YAMLNode(
                kind: .sequence, style: .any, line: line, column: column, string: "", children: takeScratch(from: base))
            if let anchor { anchors[anchor] = node }
            return node
        case YAML_MAPPING_START_EVENT:
            let anchor = Self.string(event.data.mapping_start.anchor)
            yaml_event_delete(&event)
            let base = scratch.count
            while true {
                var key = try next()
                if key.type == YAML_MAPPING_END_EVENT {
                    yaml_event_delete(&key)
                    break
                }
                let keyNode = try node(&key)
                // Only untagged scalar keys are compared here (Yams compares keys by value and resolved tag; for
                // untagged scalars under the basic resolver that is the text alone).
                guard keyNode.kind == .scalar, taggedScalars.isEmpty || !taggedScalars.contains(ObjectIdentifier(keyNode))
                else { throw ComposeFailure() }
                scratch.append(keyNode)
                var value = try next()
                let valueNode = try node(&value)
                scratch.append(valueNode)
            }
            let children = takeScratch(from: base)
            try checkUniqueKeys(children)
            let node = YAMLNode(kind: .mapping, style: .any, line: line, column: column, string: "", children: children)
            if let anchor { anchors[anchor] = node }
            return node
        default:
            yaml_event_delete(&event)
            throw ComposeFailure()
        }
    }

    /// The children of the collections being composed, innermost last: each collection's array is then allocated
    /// once, at its final size.
    private var scratch: [YAMLNode] = []

    private func takeScratch(from base: Int) -> ContiguousArray<YAMLNode> {
        if base == scratch.count { return [] }
        let children = ContiguousArray(scratch[base...])
        scratch.removeSubrange(base...)
        return children
    }

    /// Scalars written with an explicit tag (rare; an alias to one is one too).
    private var taggedScalars = Set<ObjectIdentifier>()

    /// Yams refuses a mapping with two equal keys; such a file is left to Yams, which reports it.
    private func checkUniqueKeys(_ children: ContiguousArray<YAMLNode>) throws(ComposeFailure) {
        let count = children.count / 2
        if count < 2 { return }
        if count <= 8 {
            for i in 1..<count {
                for j in 0..<i where children[2 * i].string == children[2 * j].string { throw ComposeFailure() }
            }
            return
        }
        var seen = Set<String>(minimumCapacity: count)
        for i in 0..<count where !seen.insert(children[2 * i].string).inserted { throw ComposeFailure() }
    }

    private static func string(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
