/// Yields credentials; thread-safe, and cheap to call repeatedly (providers cache and refresh).
public protocol CredentialProvider: Sendable {
    func credentials() throws(AWSError) -> AWSCredentials
}
