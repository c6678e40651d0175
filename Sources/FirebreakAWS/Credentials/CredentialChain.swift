import Foundation
import Synchronization

/// Tries providers in order; the first that yields credentials wins and is remembered, so later calls go
/// straight to it (its errors are then returned as they are, without trying the others again).
///
/// When none yields, the error lists why each one did not, so the fix is visible in one message.
public final class CredentialChain: CredentialProvider {
    public let providers: [any CredentialProvider]
    private let chosen = Mutex<Int?>(nil)

    public init(_ providers: [any CredentialProvider]) {
        self.providers = providers
    }

    /// The usual chain, in the AWS SDKs' order: environment, shared files (profile, which may assume a role), web
    /// identity (`AWS_WEB_IDENTITY_TOKEN_FILE`, EKS), container endpoint, EC2 instance metadata; temporary
    /// credentials cached and refreshed five minutes before expiry.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                transport: any AWSTransport = CurlTransport()) -> CredentialChain {
        CredentialChain([
            EnvironmentCredentialProvider(environment: environment),
            ProfileCredentialProvider(environment: environment, transport: transport),
            RefreshingCredentialProvider(WebIdentityCredentialProvider(environment: environment, transport: transport)),
            RefreshingCredentialProvider(ContainerCredentialProvider(environment: environment, transport: transport)),
            RefreshingCredentialProvider(IMDSCredentialProvider(environment: environment, transport: transport)),
        ])
    }

    /// The index of the provider that worked, once one has.
    public var chosenIndex: Int? { chosen.withLock { $0 } }

    public func credentials() throws(AWSError) -> AWSCredentials {
        if let index = chosen.withLock({ $0 }) { return try providers[index].credentials() }
        var reasons: [String] = []
        for (index, provider) in providers.enumerated() {
            do {
                let credentials = try provider.credentials()
                chosen.withLock { $0 = $0 ?? index }
                return credentials
            } catch {
                reasons.append(error.message)
            }
        }
        throw AWSError(.credentials, message: "no AWS credentials found: " + (reasons.isEmpty ? "no providers" : reasons.joined(separator: "; ")))
    }
}
