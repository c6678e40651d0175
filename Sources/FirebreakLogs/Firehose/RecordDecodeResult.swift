/// Everything decoded from one record (or one file).
public struct RecordDecodeResult: Sendable {
    public var events: DecodedEvents
    public var issues: [DecodeIssue]
    /// CloudWatch Logs `CONTROL_MESSAGE`s seen (acknowledged and ignored).
    public var controlMessages: Int
    /// Size of the payload after gzip decompression (the input size when it was not compressed).
    public var decompressedBytes: Int

    public init(events: DecodedEvents = [], issues: [DecodeIssue] = [], controlMessages: Int = 0, decompressedBytes: Int = 0) {
        self.events = events
        self.issues = issues
        self.controlMessages = controlMessages
        self.decompressedBytes = decompressedBytes
    }

    /// Appends another result (events, issues, counters).
    public mutating func merge(_ other: RecordDecodeResult) {
        events.append(contentsOf: other.events)
        issues.append(contentsOf: other.issues)
        controlMessages += other.controlMessages
        decompressedBytes += other.decompressedBytes
    }
}
