/// Temporary credentials of a role session, from STS `AssumeRole` or `AssumeRoleWithWebIdentity`.
public struct STSAssumedRole: Sendable, Equatable {
    /// Keys, session token and expiration (always set).
    public var credentials: AWSCredentials
    /// The session's ARN, `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    public var assumedRoleArn: String
    /// `AROA…:<session>`.
    public var assumedRoleID: String

    public init(credentials: AWSCredentials, assumedRoleArn: String, assumedRoleID: String) {
        self.credentials = credentials
        self.assumedRoleArn = assumedRoleArn
        self.assumedRoleID = assumedRoleID
    }

    /// The account of the session, the fifth field of its ARN.
    public var accountID: String? {
        let fields = assumedRoleArn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return fields.count == 6 && IAMRoleARN.isAccountID(fields[4]) ? String(fields[4]) : nil
    }
}
