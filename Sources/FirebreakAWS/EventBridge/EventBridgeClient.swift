import Foundation

/// Typed EventBridge calls over AWS JSON 1.1 (`X-Amz-Target: AWSEvents.<Operation>`, signing name `events`).
///
/// PutEvents is not idempotent (each call makes new events with new ids), so it is retried only when EventBridge
/// certainly did not take it (throttled, or never sent). Partial failures come back per entry: the caller sends the
/// failed entries again.
public struct EventBridgeClient: Sendable {
    public static let targetPrefix = "AWSEvents"
    public static let signingName = "events"
    /// PutEvents takes at most 10 entries per call.
    public static let maxEntriesPerCall = 10
    /// An entry's size (`EventBridgeEntry.size`) must be below 256 KB. (Since January 2026 event buses accept up to
    /// 1 MB; 256 KB is what every bus, target and partition takes.)
    public static let maxEntryBytes = 256 * 1024

    public let client: AWSClient

    /// A client over `client`, whose signing name should be `events`.
    public init(client: AWSClient) {
        self.client = client
    }

    /// Calls any EventBridge operation (`PutRule`, `PutTargets`, …) with a JSON input and output.
    public func call<Input: Encodable, Output: Decodable>(_ operation: String, _ input: Input,
                                                          as output: Output.Type) throws(AWSError) -> Output {
        try client.json(targetPrefix: Self.targetPrefix, operation: operation, input: input, as: output)
    }

    /// PutEvents. Refused before sending (`.invalidParameter`): no entries or more than 10, an entry without a source,
    /// detail type or detail, or of `maxEntryBytes` or more. The result has one outcome per entry, in order.
    public func putEvents(_ entries: [EventBridgeEntry]) throws(AWSError) -> EventBridgePutEventsResult {
        try Self.validate(entries)
        let output = try call("PutEvents", PutEventsInput(entries: entries.map(WireEntry.init)), as: PutEventsOutput.self)
        guard let results = output.entries, results.count == entries.count else {
            throw AWSError(.server, code: "MalformedResponse", message: "PutEvents answered \(output.entries?.count ?? 0) "
                           + "entry results for \(entries.count) entries")
        }
        return EventBridgePutEventsResult(entries: results.map {
            EventBridgeEntryResult(eventID: $0.eventId, errorCode: $0.errorCode, errorMessage: $0.errorMessage)
        })
    }

    static func validate(_ entries: [EventBridgeEntry]) throws(AWSError) {
        guard !entries.isEmpty, entries.count <= maxEntriesPerCall else {
            throw AWSError(.invalidParameter, message: "PutEvents takes 1 to \(maxEntriesPerCall) entries per call, not "
                           + "\(entries.count): split the batch")
        }
        for (index, entry) in entries.enumerated() {
            guard !entry.source.isEmpty, !entry.detailType.isEmpty, !entry.detail.isEmpty else {
                throw AWSError(.invalidParameter, message: "PutEvents entry \(index + 1) needs a source, a detail type and a detail")
            }
            guard entry.size < maxEntryBytes else {
                throw AWSError(.invalidParameter, message: "PutEvents entry \(index + 1) is \(entry.size) bytes; EventBridge "
                               + "takes entries below \(maxEntryBytes) (256 KB)")
            }
        }
    }

    struct WireEntry: Encodable {
        var source: String
        var detailType: String
        var detail: String
        var eventBusName: String?
        var resources: [String]?
        /// Seconds since the epoch (a JSON 1.1 timestamp).
        var time: Double?

        init(_ entry: EventBridgeEntry) {
            source = entry.source
            detailType = entry.detailType
            detail = entry.detail
            eventBusName = entry.eventBusName
            resources = entry.resources.isEmpty ? nil : entry.resources
            time = entry.time.map { ($0.timeIntervalSince1970 * 1000).rounded() / 1000 }
        }

        enum CodingKeys: String, CodingKey {
            case source = "Source", detailType = "DetailType", detail = "Detail", eventBusName = "EventBusName"
            case resources = "Resources", time = "Time"
        }
    }

    struct PutEventsInput: Encodable {
        var entries: [WireEntry]
        enum CodingKeys: String, CodingKey { case entries = "Entries" }
    }

    private struct PutEventsOutput: Decodable {
        struct Entry: Decodable {
            var eventId: String?
            var errorCode: String?
            var errorMessage: String?
            enum CodingKeys: String, CodingKey { case eventId = "EventId", errorCode = "ErrorCode", errorMessage = "ErrorMessage" }
        }
        var entries: [Entry]?
        enum CodingKeys: String, CodingKey { case entries = "Entries" }
    }
}
