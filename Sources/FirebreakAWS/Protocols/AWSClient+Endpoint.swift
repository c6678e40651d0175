import Foundation

extension AWSClient {
    /// A client for `service` at a resolved endpoint: `endpoint` when given, else `AWS_ENDPOINT_URL_<SERVICE>`,
    /// `AWS_ENDPOINT_URL`, then the public endpoint of the region (see `EndpointResolver`). The region is
    /// `region` when given, else `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's. Signs as the service's
    /// signing name in that region, whatever the URL.
    public init(service: AWSService, region: String? = nil, endpoint: URL? = nil,
                credentials: any CredentialProvider, transport: any AWSTransport,
                resolver: EndpointResolver = EndpointResolver(), retryPolicy: RetryPolicy = RetryPolicy(),
                timeouts: AWSTimeouts = AWSTimeouts()) throws(AWSError) {
        let resolved = try resolver.endpoint(for: service, region: resolver.region(explicit: region), override: endpoint)
        self.init(endpoint: resolved.url, region: resolved.signingRegion, signingName: resolved.signingName,
                  credentials: credentials, transport: transport, retryPolicy: retryPolicy, timeouts: timeouts)
    }
}
