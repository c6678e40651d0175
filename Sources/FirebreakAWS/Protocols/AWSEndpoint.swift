import Foundation

/// Where to send a service's requests and how to sign them.
public struct AWSEndpoint: Sendable, Equatable {
    /// Base URL (scheme, host, optional port and path); requests go to its path (`/` when empty).
    public var url: URL
    /// The region for the SigV4 scope.
    public var signingRegion: String
    /// The SigV4 service name (`ec2`, `sns`, `cloudtrail`), whatever the URL.
    public var signingName: String
    /// Where the URL came from, for logs: `default`, `configured`, `AWS_ENDPOINT_URL_EC2`, `AWS_ENDPOINT_URL`.
    public var source: String

    public init(url: URL, signingRegion: String, signingName: String, source: String) {
        self.url = url
        self.signingRegion = signingRegion
        self.signingName = signingName
        self.source = source
    }
}
