import Foundation
import Synchronization

/// Credentials of a profile in the shared files: the profile (`AWS_PROFILE`, default `default`) of the credentials
/// file (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`) and the config file (`AWS_CONFIG_FILE`,
/// default `~/.aws/config`, `[profile name]` sections).
///
/// - static keys: `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`;
/// - an assumed role: `role_arn` with `source_profile` (another profile, itself static or a role: chains up to
///   `ProfileRoleResolver.maxChainLength` profiles, cycles refused), `credential_source` (`Environment`,
///   `Ec2InstanceMetadata`, `EcsContainer`) or `web_identity_token_file`; with `external_id`, `role_session_name`,
///   `duration_seconds`. Role credentials are cached and refreshed before they expire.
///
/// Not supported (the profile is refused with a message saying so): `sso_*`, `credential_process`, `mfa_serial`.
/// The files are read on the first call that finds the profile usable; STS is called on every fetch of a role's
/// (refreshing) provider.
public final class ProfileCredentialProvider: CredentialProvider {
    public let profileName: String
    public let credentialsPath: String
    public let configPath: String
    public let transport: any AWSTransport
    private let environment: [String: String]
    private let resolved = Mutex<(any CredentialProvider)?>(nil)

    /// `transport` carries the STS calls of role profiles (and of `credential_source` endpoints).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, profile: String? = nil,
                transport: any AWSTransport = CurlTransport()) {
        profileName = AWSProfileFile.nonEmpty(profile) ?? AWSProfileFile.profileName(environment: environment)
        credentialsPath = AWSProfileFile.credentialsPath(environment: environment)
        configPath = AWSProfileFile.configPath(environment: environment)
        self.transport = transport
        self.environment = environment
    }

    public func credentials() throws(AWSError) -> AWSCredentials {
        if let provider = resolved.withLock({ $0 }) { return try provider.credentials() }
        let resolver = ProfileRoleResolver(
            credentials: try AWSProfileFile.load(path: credentialsPath, kind: .credentials), credentialsPath: credentialsPath,
            config: try AWSProfileFile.load(path: configPath, kind: .config), configPath: configPath,
            environment: environment, transport: transport)
        let made = try resolver.provider(profile: profileName)
        let provider = resolved.withLock { current -> any CredentialProvider in
            if let current { return current }
            current = made
            return made
        }
        return try provider.credentials()
    }
}
