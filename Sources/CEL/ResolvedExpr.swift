/// The checker's output: names resolved to slots, locals and functions; macros kept as comprehensions.
indirect enum ResolvedExpr: Sendable {
    case constant(CELValue)
    case slot(Int, name: String)
    case local(Int)
    case select(ResolvedExpr, String)
    case optSelect(ResolvedExpr, String)
    /// A list or map literal with `?` entries (optional elements or keys, flagged per position).
    case optionalList([ResolvedExpr], [Bool])
    case optionalMap([(ResolvedExpr, ResolvedExpr)], [Bool])
    case hasField(ResolvedExpr, String)
    /// `has(a.b)` where `a.b` is itself a declared variable: true when it is bound.
    case hasSlot(Int)
    case call(Function, [ResolvedExpr])
    case and(ResolvedExpr, ResolvedExpr)
    case or(ResolvedExpr, ResolvedExpr)
    case conditional(ResolvedExpr, ResolvedExpr, ResolvedExpr)
    case list([ResolvedExpr])
    case map([(ResolvedExpr, ResolvedExpr)])
    case comprehension(Expr.Macro, range: ResolvedExpr, local: Int, local2: Int?, body: ResolvedExpr, filter: ResolvedExpr?)
    /// Where errors created by the inner node are reported (UTF-8 offset in the source).
    case located(ResolvedExpr, Int)
    /// Evaluates to an error (an unresolved name when type checking is off).
    case error(String)
}
