/// A snapshot as CreateSnapshot or CreateSnapshots returns it.
public struct EC2Snapshot: Sendable, Hashable {
    public var snapshotId: String
    public var volumeId: String?
    /// `pending`, `completed`, `error`, …
    public var state: String?
    public var startTime: String?
    public var progress: String?
    public var volumeSize: Int?
    public var description: String?
    public var tags: [EC2Tag]

    public init(snapshotId: String, volumeId: String? = nil, state: String? = nil, startTime: String? = nil,
                progress: String? = nil, volumeSize: Int? = nil, description: String? = nil, tags: [EC2Tag] = []) {
        self.snapshotId = snapshotId
        self.volumeId = volumeId
        self.state = state
        self.startTime = startTime
        self.progress = progress
        self.volumeSize = volumeSize
        self.description = description
        self.tags = tags
    }

    /// A `<CreateSnapshotResponse>` or a `snapshotSet/item` element (state is `status` in one, `state` in the other).
    init?(xml: AWSXMLElement) {
        guard let id = xml.string("snapshotId") else { return nil }
        self.init(snapshotId: id, volumeId: xml.string("volumeId"), state: xml.string("state") ?? xml.string("status"),
                  startTime: xml.string("startTime"), progress: xml.string("progress"),
                  volumeSize: xml.int("volumeSize"), description: xml.string("description"),
                  tags: EC2Tag.tagSet(of: xml))
    }
}
