// Placeholder until the CELSupport and LinearRegex modules land: time, network, base64 and regex functions
// report that they are unavailable. Replaced by Evaluator+Support.swift.
extension Evaluator {
    /// False while time, network and regex functions are unavailable.
    static let supportAvailable = false

    static func applySupport(_ f: Function, _ args: [CELValue]) -> CELValue {
        .noOverload(f.rawValue)
    }

    static func matchDynamic(_ s: String, _ pattern: String) -> CELValue {
        .err("regular expressions are not available yet")
    }
}
