import PortcullisModel

/// One step of the way from the document to the value being checked. Plain integers: entering and leaving a
/// value retains nothing.
enum PathStep {
    /// The object member whose value is the tape entry at this index (its key is on the tape).
    case member(Int)
    case index(Int)
}

/// One validation run over a document's tape: collects violations up to a limit.
struct SchemaValidation {
    let nodes: [ValidationNode]
    let document: JSONTape
    let limit: Int
    /// False for the probes of anyOf/oneOf/not, which only need to know whether anything failed.
    let recording: Bool
    var budget: WorkBudget
    var violations: [SchemaViolation] = []
    /// Where the value being checked is (recording runs only). A JSON pointer is built from it only when a
    /// violation is recorded.
    var path: [PathStep] = []
    /// The members (their tape entries) of every object being visited, each object's sorted by key: a stack,
    /// reused (and handed to probes) so that visiting an object allocates nothing.
    var members: [Int] = []

    init(nodes: [ValidationNode], document: JSONTape, limit: Int, budget: WorkBudget, recording: Bool = true) {
        self.nodes = nodes
        self.document = document
        self.limit = limit
        self.budget = budget
        self.recording = recording
    }

    static let budgetMessage = "validation exceeded its work budget"

    var full: Bool { violations.count >= limit }

    /// The key of the object member at tape entry `entry`.
    @inline(__always)
    func key(_ entry: Int) -> String {
        document.strings[document.entries[entry].key]
    }

    /// The JSON pointer of `path`.
    var pointer: String {
        var out = ""
        for step in path {
            out += "/"
            switch step {
            case .member(let entry): out += SchemaPointer.escape(key(entry))
            case .index(let i): out += String(i)
            }
        }
        return out
    }

    mutating func report(_ message: String) {
        guard !full else { return }
        if violations.capacity == 0 { violations.reserveCapacity(min(limit, 16)) }
        violations.append(SchemaViolation(pointer: recording ? pointer : "", message: message))
    }

    mutating func enter(_ step: PathStep) {
        guard recording else { return }
        if path.capacity == 0 { path.reserveCapacity(8) }
        path.append(step)
    }

    mutating func leave() {
        if recording { path.removeLast() }
    }

    /// Whether the value at `value` matches `node`, without recording anything (for anyOf/oneOf/not).
    mutating func matches(_ value: Int, node: Int, depth: Int) -> Bool {
        var probe = SchemaValidation(nodes: nodes, document: document, limit: 1, budget: budget, recording: false)
        swap(&members, &probe.members)
        probe.check(value, node: node, depth: depth)
        swap(&members, &probe.members)
        budget = probe.budget
        return probe.violations.isEmpty
    }

    /// Checks the value at entry `value` of the tape against `nodes[index]`.
    mutating func check(_ value: Int, node index: Int, depth: Int) {
        guard !full else { return }
        if !budget.step() {
            report(SchemaValidation.budgetMessage)
            return
        }
        if depth > JSONSchema.maxValidationDepth {
            report("too deeply nested to validate")
            return
        }
        let n = nodes[index]
        if let constant = n.node.constant {
            if !constant { report("is not allowed here") }
            return
        }
        if let ref = n.node.ref { check(value, node: ref, depth: depth + 1) }
        let entry = document.entries[value]
        if let types = n.node.types, !types.admits(entry) {
            report(n.typeMessage)
            return
        }
        if let values = n.node.enumValues {
            let v = document.value(at: value)
            if !values.contains(where: { SchemaValidation.equal($0, v) }) { report(n.enumMessage) }
        }
        if let c = n.node.constValue, !SchemaValidation.equal(c, document.value(at: value)) {
            report(n.constMessage)
        }
        switch entry.kind {
        case .number: checkNumber(entry.number, n)
        case .string: checkString(document.strings[entry.payload], n)
        case .array: checkArray(value, entry, n, depth)
        case .object: checkObject(value, entry, n, depth)
        case .null, .bool: break
        }
        for sub in n.node.allOf { check(value, node: sub, depth: depth + 1) }
        if !n.node.anyOf.isEmpty {
            var matched = false
            for sub in n.node.anyOf where matches(value, node: sub, depth: depth + 1) {
                matched = true
                break
            }
            if !matched { report("must match at least one schema in anyOf") }
        }
        if !n.node.oneOf.isEmpty {
            var matched = 0
            for sub in n.node.oneOf where matches(value, node: sub, depth: depth + 1) { matched += 1 }
            if matched != 1 { report("must match exactly one schema in oneOf (matched \(matched))") }
        }
        if let not = n.node.not, matches(value, node: not, depth: depth + 1) {
            report("must not match the schema in not")
        }
    }

    mutating func checkNumber(_ d: Double, _ n: ValidationNode) {
        if let m = n.node.minimum, !(d >= m) { report("must be >= \(JSONWriter.formatNumber(m))") }
        if let m = n.node.maximum, !(d <= m) { report("must be <= \(JSONWriter.formatNumber(m))") }
        if let m = n.node.exclusiveMinimum, !(d > m) { report("must be > \(JSONWriter.formatNumber(m))") }
        if let m = n.node.exclusiveMaximum, !(d < m) { report("must be < \(JSONWriter.formatNumber(m))") }
    }

    mutating func checkString(_ s: String, _ n: ValidationNode) {
        let minLength = n.node.minLength
        let maxLength = n.node.maxLength
        if minLength != nil || maxLength != nil {
            // Lengths are in code points, which never outnumber the UTF-8 bytes: count them only when the byte
            // count does not already decide both bounds.
            let bytes = s.utf8.count
            let decided = (minLength.map { bytes < $0 } ?? true) && (maxLength.map { bytes <= $0 } ?? true)
            let length = decided ? bytes : s.unicodeScalars.count
            if let m = minLength, length < m { report("must be at least \(m) characters long") }
            if let m = maxLength, length > m { report("must be at most \(m) characters long") }
        }
        if let p = n.pattern, !p.matcher.matches(s) {
            report(p.message)
        }
        if let f = n.node.format, !SchemaFormats.check(f, s) {
            report("must be a valid \(f.rawValue)")
        }
    }

    /// The array at entry `index`.
    mutating func checkArray(_ index: Int, _ array: JSONTape.Entry, _ n: ValidationNode, _ depth: Int) {
        let count = array.payload
        if let m = n.node.minItems, count < m { report("must have at least \(m) items") }
        if let m = n.node.maxItems, count > m { report("must have at most \(m) items") }
        if let sub = n.node.items {
            var item = index + 1
            for i in 0..<count {
                guard !full else { return }
                enter(.index(i))
                check(item, node: sub, depth: depth + 1)
                leave()
                item = document.entries[item].end
            }
        }
    }

    /// The object at entry `index`.
    mutating func checkObject(_ index: Int, _ object: JSONTape.Entry, _ n: ValidationNode, _ depth: Int) {
        let visits = !n.node.properties.isEmpty || n.node.additionalProperties != nil
        guard visits || !n.node.required.isEmpty else { return }
        // This object's members, sorted by key, on top of the stack.
        let base = members.count
        if members.capacity == 0 { members.reserveCapacity(max(16, object.payload)) }
        var member = index + 1
        while member < object.end {
            members.append(member)
            member = document.entries[member].end
        }
        let end = members.count
        sortMembers(base, end)
        defer { members.removeLast(end - base) }

        for name in n.node.required where !hasMember(name, base, end) {
            report("missing required property \"\(name)\"")
        }
        guard visits else { return }
        let properties = n.sortedProperties
        var p = 0
        for i in base..<end {
            guard !full else { return }
            let v = members[i]
            let name = key(v)
            // Both lists are sorted by the same order: walk the properties alongside the keys.
            while p < properties.count, properties[p].name < name { p += 1 }
            enter(.member(v))
            if p < properties.count, properties[p].name == name {
                check(v, node: properties[p].node, depth: depth + 1)
            } else if let extra = n.node.additionalProperties {
                if nodes[extra].node.constant == false {
                    report("is not an allowed property")
                } else {
                    check(v, node: extra, depth: depth + 1)
                }
            }
            leave()
        }
    }

    /// Sorts `members[start..<end]` by key (keys are distinct). Small objects by insertion, in place.
    mutating func sortMembers(_ start: Int, _ end: Int) {
        if end - start <= 16 {
            var i = start + 1
            while i < end {
                var j = i
                while j > start, key(members[j]) < key(members[j - 1]) {
                    members.swapAt(j, j - 1)
                    j -= 1
                }
                i += 1
            }
        } else {
            let sorted = members[start..<end].sorted { key($0) < key($1) }
            members.replaceSubrange(start..<end, with: sorted)
        }
    }

    /// Whether `members[start..<end]` (sorted) has the key `name`.
    func hasMember(_ name: String, _ start: Int, _ end: Int) -> Bool {
        var lo = start
        var hi = end
        while lo < hi {
            let mid = (lo + hi) / 2
            let found = key(members[mid])
            if found < name {
                lo = mid + 1
            } else if name < found {
                hi = mid
            } else {
                return true
            }
        }
        return false
    }

    /// JSON equality for enum/const: numbers by value (1 == 1.0), containers deeply.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        a == b
    }
}
