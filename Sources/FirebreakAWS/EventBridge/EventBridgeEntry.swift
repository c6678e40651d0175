import Foundation

/// One event for PutEvents: `source` and `detailType` say what it is, `detail` is its JSON object text.
public struct EventBridgeEntry: Sendable, Equatable {
    public var source: String
    public var detailType: String
    public var detail: String
    /// The bus's name or ARN; nil for the account's default bus.
    public var eventBusName: String?
    /// ARNs the event concerns.
    public var resources: [String]
    /// When the event happened; nil lets EventBridge use the time of the call.
    public var time: Date?

    public init(source: String, detailType: String, detail: String, eventBusName: String? = nil,
                resources: [String] = [], time: Date? = nil) {
        self.source = source
        self.detailType = detailType
        self.detail = detail
        self.eventBusName = eventBusName
        self.resources = resources
        self.time = time
    }

    /// The entry's size as EventBridge counts it (CalculatePutEventsEntrySize): 14 bytes for a time, and the UTF-8
    /// bytes of the source, detail type, detail and each resource. The bus name does not count.
    public var size: Int {
        (time == nil ? 0 : 14) + source.utf8.count + detailType.utf8.count + detail.utf8.count
            + resources.reduce(0) { $0 + $1.utf8.count }
    }
}
