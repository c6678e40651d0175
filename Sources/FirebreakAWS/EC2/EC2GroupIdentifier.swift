/// A security group as an instance or network interface refers to it.
public struct EC2GroupIdentifier: Sendable, Hashable {
    public var groupId: String
    public var groupName: String?

    public init(groupId: String, groupName: String? = nil) {
        self.groupId = groupId
        self.groupName = groupName
    }

    /// `<groupSet><item><groupId/><groupName/></item>…</groupSet>`.
    static func groupSet(of element: AWSXMLElement) -> [EC2GroupIdentifier] {
        element.items("groupSet").compactMap { item in
            item.string("groupId").map { EC2GroupIdentifier(groupId: $0, groupName: item.string("groupName")) }
        }
    }
}
