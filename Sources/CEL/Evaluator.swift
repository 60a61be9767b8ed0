/// Evaluation helpers shared by the executable nodes and constant folding. Every failure is an `.error` value;
/// recursion is bounded by the parse depth limit and checked against the evaluation depth limit, and work is
/// charged against the cost budget.
enum Evaluator {
    static let costExceeded = CELValue.err("evaluation cost limit exceeded")
    static let depthExceeded = CELValue.err("evaluation nesting limit exceeded")

    static func logicalAnd(_ x: CELValue, _ y: CELValue) -> CELValue {
        if case .bool(false) = x { return x }
        if case .bool(false) = y { return y }
        if case .bool(true) = x, case .bool(true) = y { return x }
        if x.isError { return x }
        if y.isError { return y }
        return .noOverload("_&&_")
    }

    static func logicalOr(_ x: CELValue, _ y: CELValue) -> CELValue {
        if case .bool(true) = x { return x }
        if case .bool(true) = y { return y }
        if case .bool(false) = x, case .bool(false) = y { return x }
        if x.isError { return x }
        if y.isError { return y }
        return .noOverload("_||_")
    }
}
