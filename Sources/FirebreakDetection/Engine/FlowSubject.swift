import FirebreakLogs

/// A flow event as flow rules read it: the record's direction, and the whole `DetectionEvent` for the few tests that
/// read a flow generically (field references, keywords) and for findings.
///
/// Evaluating a delivery makes that event only when one of those asks for it, so a flow record that matches no rule
/// costs no allocation and no copy of the record.
struct FlowSubject {
    /// `flow-direction` from the record, or derived from `network.internal_cidrs`.
    let direction: FlowDirection?
    private let made: DetectionEvent?
    private let decoded: UnsafePointer<DecodedEvent>?
    /// The event time (`DetectionEvent.timeMillis`).
    let timeMillis: Int64

    /// A subject for an event already made.
    init(_ event: DetectionEvent) {
        direction = event.flowDirection
        made = event
        decoded = nil
        timeMillis = event.timeMillis
    }

    /// A subject for the flow event at `decoded` (which must stay valid while the subject is used).
    init(decoded: UnsafePointer<DecodedEvent>, flow: FlowLogRecord, network: NetworkContext, receivedMillis: Int64) {
        direction = DetectionEvent.direction(of: flow, network: network)
        made = nil
        self.decoded = decoded
        timeMillis = DetectionEvent.time(of: flow, context: decoded.pointee.context, receivedMillis: receivedMillis)
    }

    /// The event (made now, unless it was made already).
    var event: DetectionEvent {
        if let made { return made }
        return DetectionEvent(decoded.unsafelyUnwrapped.pointee, timeMillis: timeMillis, flowDirection: direction)
    }
}
