/// Recognizes CloudTrail records in parsed JSON documents, whatever envelope they came in:
/// an S3 log file (`{"Records": [...]}`), an EventBridge event whose `detail-type` is one of the
/// "... via CloudTrail" types (`detail` is unwrapped), or a bare record (has `eventVersion`, or
/// both `eventName` and `eventSource`).
public enum CloudTrailDecoder {
    /// EventBridge `detail-type`s that carry a CloudTrail record in `detail`.
    public static let eventBridgeDetailTypes: Set<String> = [
        "AWS API Call via CloudTrail",
        "AWS Console Signin via CloudTrail",
        "AWS Console Action via CloudTrail",
        "AWS Service Event via CloudTrail",
        "AWS Insight via CloudTrail",
    ]

    /// The outcome for one JSON document.
    public struct Decoded: Sendable {
        public var records: [CloudTrailRecord]
        /// Elements that could not be used (e.g. a non-object in `Records`), described.
        public var problems: [String]
    }

    /// True when `value` is an object shaped like a CloudTrail record.
    public static func looksLikeRecord(_ value: JSONValue) -> Bool {
        guard case .object(let o) = value else { return false }
        if o["eventVersion"]?.stringValue != nil { return true }
        return o["eventName"]?.stringValue != nil && o["eventSource"]?.stringValue != nil
    }

    /// The CloudTrail records in the document at entry `root` of `tape`, or nil when it is not CloudTrail at all: the
    /// same outcome as `decode(tape.value(root))`, without building the tree (records are entries of the tape).
    public static func decode(tape: JSONTape, root: Int, inCloudWatchLogs: Bool = false) -> Decoded? {
        guard tape.kind(root) == .object else { return nil }
        if let records = tape.member(root, "Records") {
            guard tape.kind(records) == .array else {
                return Decoded(records: [], problems: ["\"Records\" is not an array"])
            }
            var out = Decoded(records: [], problems: [])
            out.records.reserveCapacity(Int(tape.entries[records].count))
            var i = records + 1
            var position = 0
            let end = tape.next(records)
            while i < end {
                if tape.kind(i) == .object {
                    out.records.append(CloudTrailRecord(tape: tape, index: i, envelope: .s3File))
                } else {
                    out.problems.append("Records[\(position)] is not an object")
                }
                i = tape.next(i)
                position += 1
            }
            return out
        }
        if let detailType = tape.member(root, "detail-type").flatMap(tape.stringValue), eventBridgeDetailTypes.contains(detailType) {
            guard let detail = tape.member(root, "detail"), tape.kind(detail) == .object else {
                return Decoded(records: [], problems: ["EventBridge \"\(detailType)\" event has no \"detail\" object"])
            }
            var envelope = JSONObject()
            var i = root + 1
            let end = tape.next(root)
            while i < end {
                let key = tape.string(i)
                if key != "detail" { envelope.append(key, tape.value(i + 1)) }
                i = tape.next(i + 1)
            }
            return Decoded(records: [CloudTrailRecord(tape: tape, index: detail, envelope: .eventBridge(detailType: detailType),
                                                      eventBridgeEnvelope: envelope)], problems: [])
        }
        let isString = { (key: String) in tape.member(root, key).map { tape.kind($0) == .string } ?? false }
        if isString("eventVersion") || (isString("eventName") && isString("eventSource")) {
            return Decoded(records: [CloudTrailRecord(tape: tape, index: root, envelope: inCloudWatchLogs ? .cloudWatchLogs : .bare)],
                           problems: [])
        }
        return nil
    }

    /// The CloudTrail records in `document`, or nil when it is not CloudTrail at all.
    /// `inCloudWatchLogs` marks bare records found in a CloudWatch Logs event message.
    public static func decode(_ document: JSONValue, inCloudWatchLogs: Bool = false) -> Decoded? {
        guard case .object(let object) = document else { return nil }
        if let records = object["Records"] {
            guard case .array(let elements) = records else {
                return Decoded(records: [], problems: ["\"Records\" is not an array"])
            }
            var out = Decoded(records: [], problems: [])
            out.records.reserveCapacity(elements.count)
            for (i, element) in elements.enumerated() {
                if case .object = element {
                    out.records.append(CloudTrailRecord(record: element, envelope: .s3File))
                } else {
                    out.problems.append("Records[\(i)] is not an object")
                }
            }
            return out
        }
        if let detailType = object["detail-type"]?.stringValue, eventBridgeDetailTypes.contains(detailType) {
            guard let detail = object["detail"], case .object = detail else {
                return Decoded(records: [], problems: ["EventBridge \"\(detailType)\" event has no \"detail\" object"])
            }
            var envelope = JSONObject()
            for (key, value) in object where key != "detail" { envelope.append(key, value) }
            return Decoded(records: [CloudTrailRecord(record: detail, envelope: .eventBridge(detailType: detailType),
                                                      eventBridgeEnvelope: envelope)], problems: [])
        }
        if looksLikeRecord(document) {
            return Decoded(records: [CloudTrailRecord(record: document, envelope: inCloudWatchLogs ? .cloudWatchLogs : .bare)],
                           problems: [])
        }
        return nil
    }
}
