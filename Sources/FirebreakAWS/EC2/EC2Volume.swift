
/// An EBS volume, as DescribeVolumes shows it.
public struct EC2Volume: Sendable, Hashable {
    public var volumeId: String
    /// GiB.
    public var size: Int?
    /// `creating`, `available`, `in-use`, …
    public var state: String?
    public var availabilityZone: String?
    public var volumeType: String?
    public var encrypted: Bool?
    public var snapshotId: String?
    public var attachments: [EC2VolumeAttachment]
    public var tags: [EC2Tag]

    public init(volumeId: String, size: Int? = nil, state: String? = nil, availabilityZone: String? = nil,
                volumeType: String? = nil, encrypted: Bool? = nil, snapshotId: String? = nil,
                attachments: [EC2VolumeAttachment] = [], tags: [EC2Tag] = []) {
        self.volumeId = volumeId
        self.size = size
        self.state = state
        self.availabilityZone = availabilityZone
        self.volumeType = volumeType
        self.encrypted = encrypted
        self.snapshotId = snapshotId
        self.attachments = attachments
        self.tags = tags
    }

    /// A `volumeSet/item` element.
    init?(xml: AWSXMLElement) {
        guard let id = xml.string("volumeId") else { return nil }
        let snapshot = xml.string("snapshotId")
        self.init(volumeId: id, size: xml.int("size"), state: xml.string("status"),
                  availabilityZone: xml.string("availabilityZone"), volumeType: xml.string("volumeType"),
                  encrypted: xml.bool("encrypted"), snapshotId: snapshot?.isEmpty == true ? nil : snapshot,
                  attachments: xml.items("attachmentSet").compactMap { item in
                      item.string("instanceId").map {
                          EC2VolumeAttachment(instanceId: $0, device: item.string("device"), state: item.string("status"),
                                              deleteOnTermination: item.bool("deleteOnTermination"))
                      }
                  },
                  tags: EC2Tag.tagSet(of: xml))
    }
}
