/// What PutEvents answered, entry by entry in the order sent: an event id, or why that entry failed.
/// A failed entry was not put; sending it again may succeed (throttling, internal errors).
public struct EventBridgePutEventsResult: Sendable, Equatable {
    public var entries: [EventBridgeEntryResult]

    public init(entries: [EventBridgeEntryResult]) {
        self.entries = entries
    }

    /// `FailedEntryCount`: entries with an error.
    public var failedEntryCount: Int { entries.count(where: { !$0.succeeded }) }
}

/// One entry's outcome: `eventID` when EventBridge took it, else its `errorCode` and `errorMessage`.
public struct EventBridgeEntryResult: Sendable, Equatable {
    public var eventID: String?
    public var errorCode: String?
    public var errorMessage: String?

    public init(eventID: String? = nil, errorCode: String? = nil, errorMessage: String? = nil) {
        self.eventID = eventID
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }

    public var succeeded: Bool { eventID != nil && errorCode == nil }
}
