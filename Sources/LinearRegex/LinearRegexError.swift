/// A pattern that could not be compiled: what is wrong and where.
///
/// `offset` counts Unicode scalars from the start of the pattern (0-based).
public struct LinearRegexError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public let offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) at offset \(offset)" }
}
