/// A request attribute the candidate index is keyed on.
enum IndexDimension: Sendable, Hashable {
    case attribute(StringAttribute)
    case path
    case port
    case contextExtension

    /// Slot in the index's table.
    var slot: Int {
        switch self {
        case .attribute(let a): return a.rawValue
        case .path: return StringAttribute.allCases.count
        case .port: return StringAttribute.allCases.count + 1
        case .contextExtension: return StringAttribute.allCases.count + 2
        }
    }

    static let count = StringAttribute.allCases.count + 3

    /// Which dimension to index an item on when several qualify: the most selective first.
    var preference: Int {
        switch self {
        case .path: return 0
        case .attribute(.sourcePrincipal): return 1
        case .attribute(.destinationPrincipal): return 2
        case .contextExtension: return 3
        case .attribute(.host): return 4
        case .attribute(.sourceServiceAccount), .attribute(.destinationServiceAccount): return 5
        case .attribute(.sourceNamespace), .attribute(.destinationNamespace): return 6
        case .port: return 7
        case .attribute(.sourceTrustDomain): return 8
        case .attribute(.method): return 9
        }
    }
}
