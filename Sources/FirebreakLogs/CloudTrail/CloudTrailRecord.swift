/// One CloudTrail event record, read from the structural index of the bytes it came in (`JSONTape`): rules resolve
/// the few fields they read from the index, a finding prints the record's own bytes, and the tree (`record`) is built
/// only when something asks for it. Typed accessors read the common top-level fields.
public struct CloudTrailRecord: Sendable {
    /// The tape holding the record, and the record object's entry in it.
    public let tape: JSONTape
    public let index: Int
    /// The tree the record was made from (tests, rule test cases), kept so that `record` gives it back as it was.
    private let tree: JSONValue?
    public var envelope: CloudTrailEnvelope
    /// For EventBridge deliveries: the envelope's members other than `detail`
    /// (`version`, `id`, `detail-type`, `source`, `account`, `time`, `region`, `resources`).
    public var eventBridgeEnvelope: JSONObject?

    /// The record at entry `index` of `tape`.
    public init(tape: JSONTape, index: Int, envelope: CloudTrailEnvelope, eventBridgeEnvelope: JSONObject? = nil) {
        self.tape = tape
        self.index = index
        tree = nil
        self.envelope = envelope
        self.eventBridgeEnvelope = eventBridgeEnvelope
    }

    /// A record made from a tree: it is indexed from its compact JSON text.
    public init(record: JSONValue, envelope: CloudTrailEnvelope, eventBridgeEnvelope: JSONObject? = nil) {
        var text: [UInt8] = []
        text.reserveCapacity(1024)
        record.write(into: &text)
        // The serializer writes valid JSON; no depth limit, the tree is already that deep.
        guard let tape = JSONTape.parse(text, maxDepth: Int.max) else { fatalError("serialized JSON did not index: \(record)") }
        self.tape = tape
        index = 0
        tree = record
        self.envelope = envelope
        self.eventBridgeEnvelope = eventBridgeEnvelope
    }

    /// The record as a tree (built on each call unless the record was made from one).
    public var record: JSONValue { tree ?? tape.value(index) }

    /// Appends the record's compact JSON text: its own bytes when they are that text (`JSONTape.isClean`).
    public func writeJSON(into out: inout [UInt8]) {
        if let tree { tree.write(into: &out) } else { tape.writeJSON(index, into: &out) }
    }

    /// The first value at a path of object keys (arrays on the way match any element).
    public func value(at path: [String]) -> JSONValue? { tape.value(at: path[...], from: index).map(tape.value) }
    /// `value(at:)` with a dotted path, e.g. `"userIdentity.type"`.
    public func value(at dottedPath: String) -> JSONValue? { value(at: JSONValue.splitPath(dottedPath)) }
    /// Every value at a path, following every element of arrays on the way.
    public func values(at path: [String]) -> [JSONValue] { tape.values(at: path[...], from: index).map(tape.value) }
    /// `values(at:)` with a dotted path.
    public func values(at dottedPath: String) -> [JSONValue] { values(at: JSONValue.splitPath(dottedPath)) }

    /// The entry of the top-level member `key` (the last one when it repeats).
    public func member(_ key: String) -> Int? { tape.member(index, key) }

    private func string(_ key: String) -> String? { member(key).flatMap(tape.stringValue) }

    /// Calls `body` with the UTF-8 of the top-level string member `key`; nil when it is absent or not a string.
    public func withString<R>(_ key: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard let found = member(key), tape.kind(found) == .string else { return nil }
        return tape.withString(found, body)
    }

    public var eventName: String? { string("eventName") }
    public var eventSource: String? { string("eventSource") }
    /// ISO-8601 UTC text, e.g. `2026-01-01T10:05:00Z`.
    public var eventTime: String? { string("eventTime") }
    public var eventID: String? { string("eventID") }
    public var awsRegion: String? { string("awsRegion") }
    public var recipientAccountId: String? { string("recipientAccountId") }
    /// An IP address, or a service DNS name for calls made by AWS services.
    public var sourceIPAddress: String? { string("sourceIPAddress") }
    public var errorCode: String? { string("errorCode") }
    public var readOnly: Bool? {
        member("readOnly").flatMap { tape.kind($0) == .true ? true : tape.kind($0) == .false ? false : nil }
    }
    /// `userIdentity.type`: `Root`, `IAMUser`, `AssumedRole`, `AWSService`, ...
    public var userIdentityType: String? { identity("type") }
    public var userIdentityARN: String? { identity("arn") }
    public var userIdentityAccountId: String? { identity("accountId") }

    private func identity(_ key: String) -> String? {
        member("userIdentity").flatMap { tape.member($0, key) }.flatMap(tape.stringValue)
    }
}
