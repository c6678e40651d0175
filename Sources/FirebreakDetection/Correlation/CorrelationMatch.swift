/// A base rule's match, read for the correlations that count it (`CorrelationEngine.prepare`), not yet recorded.
public struct CorrelationMatch: Sendable {
    let arrivals: [CorrelationEngine.Arrival]
    let eventKey: String
    /// The matching event (the hits' last event, and the source of chained matches).
    public let event: DetectionEvent
}
