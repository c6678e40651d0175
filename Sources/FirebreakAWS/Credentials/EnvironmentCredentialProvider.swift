import Foundation

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, optionally, `AWS_SESSION_TOKEN`, read once from the
/// environment given at creation.
public struct EnvironmentCredentialProvider: CredentialProvider {
    private let result: Result<AWSCredentials, AWSError>

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let key = AWSProfileFile.nonEmpty(environment["AWS_ACCESS_KEY_ID"])
        let secret = AWSProfileFile.nonEmpty(environment["AWS_SECRET_ACCESS_KEY"])
        let token = AWSProfileFile.nonEmpty(environment["AWS_SESSION_TOKEN"])
        switch (key, secret) {
        case let (key?, secret?):
            result = .success(AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token))
        case (nil, nil):
            result = .failure(AWSError(.credentials, message: "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"))
        case (_?, nil):
            result = .failure(AWSError(.credentials, message: "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"))
        case (nil, _?):
            result = .failure(AWSError(.credentials, message: "environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"))
        }
    }

    public func credentials() throws(AWSError) -> AWSCredentials { try result.get() }
}
