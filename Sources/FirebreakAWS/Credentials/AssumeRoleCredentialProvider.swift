import Foundation

/// Temporary credentials of an IAM role, from STS `AssumeRole` signed with the `sts` client's (source) credentials.
///
/// Fetches on every call: wrap it in `RefreshingCredentialProvider`, which fetches again before `Expiration`
/// (`AccountCredentials` and the profile provider do). Failures are `.credentials` errors that name the role and
/// keep STS's code (`AccessDenied` when the role does not trust the caller or the external id differs).
public struct AssumeRoleCredentialProvider: CredentialProvider {
    public let sts: STSClient
    public let role: IAMRoleARN
    public let sessionName: String
    public let externalID: String?
    public let durationSeconds: Int?

    /// Checks the role ARN, session name, external id and duration (`.invalidParameter`).
    public init(roleArn: String, sessionName: String = STSClient.defaultSessionName, externalID: String? = nil,
                durationSeconds: Int? = nil, sts: STSClient) throws(AWSError) {
        role = try IAMRoleARN(roleArn)
        try STSClient.validate(sessionName: sessionName)
        if let externalID { try STSClient.validate(externalID: externalID) }
        if let durationSeconds { try STSClient.validate(durationSeconds: durationSeconds) }
        self.sts = sts
        self.sessionName = sessionName
        self.externalID = externalID
        self.durationSeconds = durationSeconds
    }

    public func credentials() throws(AWSError) -> AWSCredentials {
        do {
            return try sts.assumeRole(roleArn: role.text, sessionName: sessionName, externalID: externalID,
                                      durationSeconds: durationSeconds).credentials
        } catch {
            throw error.asCredentialsError("assume role \(role.text)")
        }
    }
}

extension AWSError {
    /// This error as a `.credentials` one whose message starts with `context`; code, status and request id kept.
    func asCredentialsError(_ context: String) -> AWSError {
        var wrapped = AWSError(.credentials, code: code, message: "\(context): \(message)", requestID: requestID, status: status)
        wrapped.requestNotSent = requestNotSent
        return wrapped
    }
}
