import Foundation
import Synchronization

/// Static keys of a profile in the shared files: the profile (`AWS_PROFILE`, default `default`) of the credentials
/// file (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`), else of the config file (`AWS_CONFIG_FILE`,
/// default `~/.aws/config`, `[profile name]` sections): `aws_access_key_id`, `aws_secret_access_key`,
/// `aws_session_token`.
///
/// Not supported (the profile is refused with a message saying so): `role_arn`/`source_profile`, `sso_*`,
/// `credential_process`, `web_identity_token_file`. The files are read on the first successful call only.
public final class ProfileCredentialProvider: CredentialProvider {
    public let profileName: String
    public let credentialsPath: String
    public let configPath: String
    private let cached = Mutex<AWSCredentials?>(nil)

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, profile: String? = nil) {
        profileName = AWSProfileFile.nonEmpty(profile) ?? AWSProfileFile.profileName(environment: environment)
        credentialsPath = AWSProfileFile.credentialsPath(environment: environment)
        configPath = AWSProfileFile.configPath(environment: environment)
    }

    public func credentials() throws(AWSError) -> AWSCredentials {
        if let cached = cached.withLock({ $0 }) { return cached }
        let loaded = try load()
        cached.withLock { $0 = loaded }
        return loaded
    }

    private static let unsupported = ["role_arn", "credential_process", "sso_session", "sso_start_url",
                                      "web_identity_token_file", "credential_source"]

    private func load() throws(AWSError) -> AWSCredentials {
        let sources: [(properties: [String: String]?, path: String)] = [
            (try AWSProfileFile.load(path: credentialsPath, kind: .credentials).profile(profileName), credentialsPath),
            (try AWSProfileFile.load(path: configPath, kind: .config).profile(profileName), configPath),
        ]
        var unsupportedKeys: [String] = []
        for (properties, path) in sources {
            guard let properties else { continue }
            let key = AWSProfileFile.nonEmpty(properties["aws_access_key_id"])
            let secret = AWSProfileFile.nonEmpty(properties["aws_secret_access_key"])
            if let key, let secret {
                return AWSCredentials(accessKeyID: key, secretAccessKey: secret,
                                      sessionToken: AWSProfileFile.nonEmpty(properties["aws_session_token"]))
            }
            if (key == nil) != (secret == nil) {
                throw AWSError(.credentials, message: "profile \(profileName) in \(path) has only one of aws_access_key_id "
                               + "and aws_secret_access_key")
            }
            unsupportedKeys += Self.unsupported.filter { properties[$0] != nil }
        }
        if !unsupportedKeys.isEmpty {
            throw AWSError(.credentials, message: "profile \(profileName) uses \(unsupportedKeys.joined(separator: ", ")), "
                           + "which Firebreak does not support; give static keys, environment variables, or run with a "
                           + "container or instance role")
        }
        throw AWSError(.credentials, message: "profile \(profileName): no aws_access_key_id/aws_secret_access_key in "
                       + "\(credentialsPath) or \(configPath)")
    }
}
