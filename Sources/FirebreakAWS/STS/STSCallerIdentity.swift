/// Who the credentials belong to, as STS `GetCallerIdentity` answers.
public struct STSCallerIdentity: Sendable, Equatable {
    /// The 12-digit account id.
    public var account: String
    /// The caller's ARN (`arn:aws:iam::…:user/name`, `arn:aws:sts::…:assumed-role/role/session`).
    public var arn: String
    /// The unique id of the user or role (`AIDA…`, `AROA…:session`).
    public var userID: String

    public init(account: String, arn: String, userID: String) {
        self.account = account
        self.arn = arn
        self.userID = userID
    }
}
