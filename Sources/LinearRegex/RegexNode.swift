/// Zero-width assertions.
enum RegexAssertion: UInt8, Sendable {
    case beginText, endText, beginLine, endLine, wordBoundary, notWordBoundary
}

/// The parsed pattern. Case-insensitivity is already folded into scalar sets.
indirect enum RegexNode: Sendable {
    case empty
    case scalar(UInt32)
    case set(ScalarRanges)
    case anyScalar
    case anyNotNewline
    case assertion(RegexAssertion)
    case concat([RegexNode])
    case alternate([RegexNode])
    /// `max == nil` means unbounded.
    case repetition(RegexNode, min: Int, max: Int?)

    /// Number of program instructions this node compiles to, saturating at `limit + 1`.
    func programSize(limit: Int) -> Int {
        func sat(_ x: Int) -> Int { x > limit ? limit + 1 : x }
        switch self {
        case .empty: return 0
        case .scalar, .set, .anyScalar, .anyNotNewline, .assertion: return 1
        case .concat(let nodes):
            var total = 0
            for n in nodes { total = sat(total + n.programSize(limit: limit)) }
            return total
        case .alternate(let nodes):
            var total = 0
            for n in nodes { total = sat(total + n.programSize(limit: limit) + 2) }
            return total
        case .repetition(let node, let min, let max):
            let body = node.programSize(limit: limit)
            let copies = max ?? (min + 1)
            let (product, overflow) = (body + 1).multipliedReportingOverflow(by: Swift.max(copies, 1))
            return overflow ? limit + 1 : sat(product + 1)
        }
    }
}
