/// A typed client of one Query-protocol service (EC2, SNS): its API version and signing name, and the calls
/// every such client makes through its `AWSClient`.
public protocol QueryServiceClient: Sendable {
    static var apiVersion: String { get }
    static var signingName: String { get }
    var client: AWSClient { get }
}

extension QueryServiceClient {
    /// Sends any request of this service and returns the root of the response.
    public func call(_ request: QueryRequest) throws(AWSError) -> AWSXMLElement {
        try client.query(request)
    }

    /// A new request for `action` with this service's API version.
    public static func request(_ action: String) -> QueryRequest {
        QueryRequest(action: action, version: apiVersion)
    }
}
