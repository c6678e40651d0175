/// A finding as GetFindings returned it: the fields callers check, and the whole finding as JSON text.
public struct SecurityHubFinding: Sendable, Equatable {
    public var id: String
    public var productArn: String?
    public var awsAccountId: String?
    public var title: String?
    public var updatedAt: String?
    /// The finding's JSON object, keys sorted.
    public var json: String

    public init(id: String, productArn: String? = nil, awsAccountId: String? = nil, title: String? = nil,
                updatedAt: String? = nil, json: String) {
        self.id = id
        self.productArn = productArn
        self.awsAccountId = awsAccountId
        self.title = title
        self.updatedAt = updatedAt
        self.json = json
    }
}
