/// Fixed credentials, given in code.
public struct StaticCredentialProvider: CredentialProvider {
    public let value: AWSCredentials

    public init(_ credentials: AWSCredentials) {
        value = credentials
    }

    public func credentials() throws(AWSError) -> AWSCredentials { value }
}
