/// Typed EC2 calls over the Query protocol (`Version=2016-11-15`, signing name `ec2`).
///
/// Calls that take `dryRun: true` send `DryRun=true`: when the caller is allowed and the request is valid,
/// they throw an `AWSError` of kind `.dryRunSucceeded`; otherwise the error that the real call would raise
/// (`.accessDenied` for `UnauthorizedOperation`, …).
public struct EC2Client: QueryServiceClient {
    public static let apiVersion = "2016-11-15"
    public static let signingName = "ec2"

    public let client: AWSClient

    /// A client over `client`, whose signing name should be `ec2`.
    public init(client: AWSClient) {
        self.client = client
    }

    /// Sends a call whose answer is `<return>true</return>`; `false` is an error.
    func callReturningTrue(_ request: QueryRequest) throws(AWSError) {
        let root = try call(request)
        if root.bool("return") == false {
            throw AWSError(.client, code: "ReturnedFalse", message: "\(request.action) returned false",
                           requestID: root.string("requestId"))
        }
    }

    /// Follows `NextToken` until the last page (at most `maxPages`), collecting the items of every page.
    func paginate<Item>(maxPages: Int = 1000, _ makeRequest: (_ nextToken: String?) -> QueryRequest,
                        items: (AWSXMLElement) -> [Item]) throws(AWSError) -> [Item] {
        var all: [Item] = []
        var token: String?
        for _ in 0..<maxPages {
            let root = try call(makeRequest(token))
            all += items(root)
            guard let next = root.string("nextToken"), !next.isEmpty, next != token else { return all }
            token = next
        }
        throw AWSError(.client, code: "TooManyPages", message: "more than \(maxPages) pages of results")
    }
}

extension QueryRequest {
    /// Adds `DryRun=true` when `dryRun` is set.
    mutating func addDryRun(_ dryRun: Bool) {
        if dryRun { add("DryRun", true) }
    }
}
