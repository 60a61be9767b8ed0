import PortcullisModel

extension JSONParser {
    /// Parses a complete document into a `JSONTape`: the same grammar, limits and errors (same kind, same offset)
    /// as `parse`, and `jsonValue` of the result is the value `parse` returns.
    public func parseTape(_ buffer: UnsafeBufferPointer<UInt8>) throws(StrictJSONError) -> JSONTape {
        if buffer.count > limits.maxBytes { throw StrictJSONError(.tooLarge(limit: limits.maxBytes), at: limits.maxBytes) }
        var reader = JSONReader(buffer: buffer, maxDepth: limits.maxDepth)
        return try reader.tapeDocument()
    }

    /// `parseTape` over an array.
    public func parseTape(_ bytes: [UInt8]) throws(StrictJSONError) -> JSONTape {
        try bytes.withUnsafeBufferPointer { (buffer) throws(StrictJSONError) -> JSONTape in try parseTape(buffer) }
    }
}

/// The structure of `parseValue`/`parseObject`/`parseArray`, writing entries to a tape instead of building values;
/// scalars are read by the same methods. Checks happen in the same order, so the first error is the same one.
extension JSONReader {
    mutating func tapeDocument() throws(StrictJSONError) -> JSONTape {
        var tape = JSONTape()
        tape.entries.reserveCapacity(min(buffer.count / 4 + 1, 64))
        tape.strings.reserveCapacity(min(buffer.count / 8 + 1, 32))
        skipWhitespace()
        try tapeValue(&tape, key: -1, depth: 0)
        skipWhitespace()
        if pos != buffer.count { throw StrictJSONError(.trailingData, at: pos) }
        return tape
    }

    mutating func tapeValue(_ tape: inout JSONTape, key: Int, depth: Int) throws(StrictJSONError) {
        let b = try peek()
        let index = tape.entries.count
        switch b {
        case UInt8(ascii: "{"): try tapeObject(&tape, key: key, depth: depth + 1)
        case UInt8(ascii: "["): try tapeArray(&tape, key: key, depth: depth + 1)
        case UInt8(ascii: "\""):
            let s = try parseString()
            tape.strings.append(s)
            tape.entries.append(.init(kind: .string, key: key, payload: tape.strings.count - 1, end: index + 1))
        case UInt8(ascii: "t"):
            try literal("true")
            tape.entries.append(.init(kind: .bool, bool: true, key: key, end: index + 1))
        case UInt8(ascii: "f"):
            try literal("false")
            tape.entries.append(.init(kind: .bool, bool: false, key: key, end: index + 1))
        case UInt8(ascii: "n"):
            try literal("null")
            tape.entries.append(.init(kind: .null, key: key, end: index + 1))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let d = try parseNumber()
            tape.entries.append(.init(kind: .number, key: key, end: index + 1, number: d))
        default: throw StrictJSONError(.unexpectedByte(b), at: pos)
        }
    }

    mutating func tapeObject(_ tape: inout JSONTape, key: Int, depth: Int) throws(StrictJSONError) {
        if depth > maxDepth { throw StrictJSONError(.tooDeep(limit: maxDepth), at: pos) }
        pos += 1
        let index = tape.entries.count
        tape.entries.append(.init(kind: .object, key: key, end: index + 1))
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            pos += 1
            return
        }
        // This object's keys go on the `keys` stack, to find duplicates by String equality (as the dictionary of
        // `parseObject` does: canonically equivalent keys are duplicates); past `smallObject` keys, into a set.
        if keys.capacity == 0 { keys.reserveCapacity(16) }
        let keyBase = keys.count
        var large: Set<String>?
        var count = 0
        while true {
            skipWhitespace()
            let keyOffset = pos
            let b = try peek()
            guard b == UInt8(ascii: "\"") else { throw StrictJSONError(.unexpectedByte(b), at: pos) }
            let name = try parseString()
            skipWhitespace()
            let colon = try peek()
            guard colon == UInt8(ascii: ":") else { throw StrictJSONError(.unexpectedByte(colon), at: pos) }
            pos += 1
            skipWhitespace()
            tape.strings.append(name)
            try tapeValue(&tape, key: tape.strings.count - 1, depth: depth)
            if large != nil {
                if !large!.insert(name).inserted { throw StrictJSONError(.duplicateKey(name), at: keyOffset) }
            } else {
                for i in keyBase..<keys.count where keys[i] == name {
                    throw StrictJSONError(.duplicateKey(name), at: keyOffset)
                }
                if keys.count - keyBase == Self.smallObject {
                    var set = Set(keys[keyBase...])
                    set.insert(name)
                    large = set
                    keys.removeLast(keys.count - keyBase)
                } else {
                    keys.append(name)
                }
            }
            count += 1
            skipWhitespace()
            let next = try peek()
            pos += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "}") {
                if large == nil { keys.removeLast(keys.count - keyBase) }
                tape.entries[index].payload = count
                tape.entries[index].end = tape.entries.count
                return
            }
            throw StrictJSONError(.unexpectedByte(next), at: pos - 1)
        }
    }

    mutating func tapeArray(_ tape: inout JSONTape, key: Int, depth: Int) throws(StrictJSONError) {
        if depth > maxDepth { throw StrictJSONError(.tooDeep(limit: maxDepth), at: pos) }
        pos += 1
        let index = tape.entries.count
        tape.entries.append(.init(kind: .array, key: key, end: index + 1))
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            pos += 1
            return
        }
        var count = 0
        while true {
            skipWhitespace()
            try tapeValue(&tape, key: -1, depth: depth)
            count += 1
            skipWhitespace()
            let next = try peek()
            pos += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "]") {
                tape.entries[index].payload = count
                tape.entries[index].end = tape.entries.count
                return
            }
            throw StrictJSONError(.unexpectedByte(next), at: pos - 1)
        }
    }
}
