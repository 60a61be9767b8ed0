import LinearRegex

/// One node of a planned program: an immutable tree, built once, walked by the evaluator.
indirect enum Node: Sendable {
    case constant(CELValue)
    /// The inner node, reporting the errors it creates at this source offset.
    case located(Node, Int)
    case slot(Int, name: String)
    case local(Int)
    case select(Node, field: String)
    case optSelect(Node, field: String)
    case optionalList([Node], [Bool])
    case optionalMap([(Node, Node)], [Bool])
    case hasField(Node, field: String)
    case hasSlot(Int)
    case and(Node, Node)
    case or(Node, Node)
    case not(Node)
    case conditional(Node, Node, Node)
    case call1(Function, Node)
    case call2(Function, Node, Node)
    case call3(Function, Node, Node, Node)
    case callN(Function, [Node])
    /// `x == "const"` / `x != "const"` on strings, the commonest comparison.
    case equalsString(Node, String, negate: Bool)
    /// `x in ["a", "b"]`: a few constant strings, scanned.
    case inStrings(Node, [String])
    /// `x in [constants]` with every constant usable as a hash key.
    case inKeySet(Node, Set<CELMapKey>)
    /// `x.matches("const")`, the regex compiled once.
    case matchesRegex(Node, LinearRegex)
    case list([Node])
    case map([(Node, Node)])
    case comprehension(Expr.Macro, range: Node, local: Int, local2: Int?, body: Node, filter: Node?)
}
