/// A value read from a bundle file, with where it was written.
struct Located<Value> {
    var value: Value
    var location: SourceLocation
}

extension Located: Sendable where Value: Sendable {}
