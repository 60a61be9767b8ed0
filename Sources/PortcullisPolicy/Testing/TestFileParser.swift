import PortcullisModel
import Yams

/// Reads `tests/*.yaml`: `tests: [ {name, request | check_request, expect: {...}} ]` (or a bare list).
struct TestFileParser {
    let reader: NodeReader

    static let testFields = ["name", "request", "check_request", "expect"]
    static let expectFields = ["allow", "decision", "status", "headers", "remove_headers", "body", "policy", "rules", "dry_run"]

    func tests(_ documents: [Node]) -> [PolicyTest] {
        var out: [PolicyTest] = []
        for document in documents {
            var items: [Node] = []
            if case .sequence = document {
                items = reader.list(document, what: "tests") ?? []
            } else if let fields = reader.mapping(document, what: "test file", allowed: ["tests"]), let t = fields["tests"] {
                items = reader.list(t.value, what: "tests") ?? []
            }
            out += items.compactMap { test($0) }
        }
        return out
    }

    private func test(_ node: Node) -> PolicyTest? {
        guard let fields = reader.mapping(node, what: "test", allowed: Self.testFields) else { return nil }
        let location = reader.location(node)
        let name = fields["name"].flatMap { reader.nonEmptyString($0.value, what: "test name")?.value } ?? "line \(location.line)"
        let requestNode = fields["request"] ?? fields["check_request"]
        guard let requestNode, fields["request"] == nil || fields["check_request"] == nil else {
            reader.sink.error("a test needs exactly one of \"request\" and \"check_request\"", at: location)
            return nil
        }
        guard let json = YAMLJSON.json(requestNode.value, reader: reader) else {
            reader.sink.error("the request cannot be read as JSON", at: reader.location(requestNode.value))
            return nil
        }
        let request: AuthzRequest
        do {
            if fields["check_request"] != nil {
                guard case .object(let o) = json, o["attributes"] != nil else {
                    reader.sink.error("check_request must be a CheckRequest with \"attributes\"", at: reader.location(requestNode.value))
                    return nil
                }
            }
            request = try RequestDocument.parse(json)
        } catch {
            reader.sink.error("invalid request: \(error.message)", at: reader.location(requestNode.value))
            return nil
        }
        guard let expectNode = fields["expect"],
            let expect = reader.mapping(expectNode.value, what: "expect", allowed: Self.expectFields)
        else {
            if fields["expect"] == nil { reader.sink.error("test \(String(reflecting: name)) has no \"expect\"", at: location) }
            return nil
        }
        var allow: Bool?
        if let a = expect["allow"] { allow = reader.bool(a.value, what: "allow") }
        if let d = expect["decision"], let s = reader.string(d.value, what: "decision") {
            switch s.value.lowercased() {
            case "allow": allow = true
            case "deny": allow = false
            default: reader.sink.error("decision must be allow or deny", at: s.location)
            }
        }
        guard let allow else {
            reader.sink.error("expect needs \"allow: true|false\" or \"decision: allow|deny\"", at: reader.location(expectNode.value))
            return nil
        }
        return PolicyTest(
            name: name, file: reader.file, line: location.line, request: request, expectAllow: allow,
            status: expect["status"].flatMap { reader.int($0.value, what: "status", range: 100...599)?.value },
            headers: expect["headers"].flatMap { reader.stringMap($0.value, what: "headers") }?.map {
                (name: $0.key.value.lowercased(), value: $0.value.value)
            } ?? [],
            removeHeaders: expect["remove_headers"].flatMap { reader.stringList($0.value, what: "remove_headers") }?.map {
                $0.value.lowercased()
            } ?? [],
            body: expect["body"].flatMap { reader.string($0.value, what: "body")?.value },
            policy: expect["policy"].flatMap { reader.string($0.value, what: "policy")?.value },
            rules: expect["rules"].flatMap { node -> [String]? in
                if case .sequence(let s) = node.value, s.isEmpty { return [] }
                return reader.stringList(node.value, what: "rules")?.map(\.value)
            },
            dryRun: expect["dry_run"].flatMap { reader.bool($0.value, what: "dry_run") })
    }
}
