import FirebreakAWS
import Foundation

/// The AWS clients of one process: one credential chain (refreshed), one transport, endpoints and region from the
/// configuration and the environment (`AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, `AWS_REGION`, ...).
public struct AWSClientFactory: Sendable {
    /// The region of the account acted on (`aws.region`, else the environment, else us-east-1).
    public let region: String
    let resolver: EndpointResolver
    let transport: CurlTransport
    let credentials: RefreshingCredentialProvider

    public init(configuration c: ServiceConfiguration, environment: [String: String]) {
        resolver = EndpointResolver(environment: environment)
        // Without a region anywhere, fall back to us-east-1: observe mode makes no EC2 call, and alerts
        // name their topic's region in the ARN anyway.
        region = (try? resolver.region(explicit: c.awsRegion)) ?? "us-east-1"
        transport = CurlTransport()
        credentials = RefreshingCredentialProvider(CredentialChain.standard(environment: environment, transport: transport))
    }

    /// A client of `service` in `region` (this factory's region by default), with `credentials` (the service's own by
    /// default: a member account's come from `AccountCredentials`).
    public func client(_ service: AWSService, region: String? = nil,
                       credentials: (any CredentialProvider)? = nil) throws(ResponseLayer.SetupError) -> AWSClient {
        do {
            return try AWSClient(service: service, region: region ?? self.region, credentials: credentials ?? self.credentials,
                                 transport: transport, resolver: resolver)
        } catch {
            throw ResponseLayer.SetupError(description: "cannot set up the \(service.id) client: \(error)")
        }
    }
}
