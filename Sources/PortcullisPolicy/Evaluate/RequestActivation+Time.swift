import CEL
import CELSupport
import PortcullisModel

extension RequestActivation {
    /// `request.time` as a CEL timestamp.
    /// TODO: return `.timestamp(CELTimestamp(seconds:nanos:))` once the CEL module's timestamp values are switched on.
    static func timestamp(_ t: Timestamp) -> CELValue? {
        nil
    }
}
