import CEL
import CELSupport
import PortcullisModel

extension RequestActivation {
    /// `request.time` as a CEL timestamp.
    static func timestamp(_ t: Timestamp) -> CELValue? {
        .timestamp(CELTimestamp(seconds: t.seconds, nanos: t.nanos))
    }
}
