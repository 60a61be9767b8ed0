/// Invalid configuration: one clear message, meant to be printed as is and end the process.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
