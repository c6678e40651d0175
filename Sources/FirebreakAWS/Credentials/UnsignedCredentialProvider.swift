/// The provider of a client that sends only unsigned calls (STS `AssumeRoleWithWebIdentity`): it has no credentials.
struct UnsignedCredentialProvider: CredentialProvider {
    func credentials() throws(AWSError) -> AWSCredentials {
        throw AWSError(.credentials, message: "this STS client has no credentials: it only sends unsigned calls "
                       + "(AssumeRoleWithWebIdentity)")
    }
}
