import Foundation

/// Credentials for an OpenID Connect token in a file, through STS `AssumeRoleWithWebIdentity` (EKS IAM roles for
/// service accounts): `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and, optionally, `AWS_ROLE_SESSION_NAME`.
///
/// The token file is read again on every fetch (Kubernetes rotates it), at most `maxTokenBytes`; the token never
/// appears in an error. The call is unsigned, as AWS expects. Fetches on every call: wrap it in
/// `RefreshingCredentialProvider` (the standard chain does).
public struct WebIdentityCredentialProvider: CredentialProvider {
    /// STS's own limit on the token.
    public static let maxTokenBytes = STSClient.webIdentityTokenLengths.upperBound

    public let tokenFile: String?
    public let roleArn: String?
    public let sessionName: String
    public let durationSeconds: Int?
    private let setup: Result<(sts: STSClient, tokenFile: String, role: IAMRoleARN), AWSError>

    /// From the environment; STS's endpoint and region as `STSClient.init(region:…)` resolves them in it.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, transport: any AWSTransport) {
        tokenFile = AWSProfileFile.nonEmpty(environment["AWS_WEB_IDENTITY_TOKEN_FILE"])
        roleArn = AWSProfileFile.nonEmpty(environment["AWS_ROLE_ARN"])
        sessionName = AWSProfileFile.nonEmpty(environment["AWS_ROLE_SESSION_NAME"]) ?? STSClient.defaultSessionName
        durationSeconds = nil
        let (tokenFile, roleArn, sessionName) = (tokenFile, roleArn, sessionName)
        setup = Result { () throws(AWSError) -> (sts: STSClient, tokenFile: String, role: IAMRoleARN) in
            switch (tokenFile, roleArn) {
            case (nil, nil):
                throw AWSError(.credentials, message: "web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set")
            case (_?, nil):
                throw AWSError(.credentials, message: "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not")
            case (nil, _?):
                throw AWSError(.credentials, message: "web identity: AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not")
            case let (file?, arn?):
                do throws(AWSError) {
                    let sts = try STSClient(credentials: UnsignedCredentialProvider(), transport: transport,
                                            resolver: EndpointResolver(environment: environment))
                    return try Self.checked(sts: sts, tokenFile: file, roleArn: arn, sessionName: sessionName, durationSeconds: nil)
                } catch {
                    throw error.asCredentialsError("web identity (AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME, STS endpoint)")
                }
            }
        }
    }

    /// An explicit token file and role; `sts` needs no credentials (the call is unsigned). Checks the role ARN,
    /// session name and duration (`.invalidParameter`).
    public init(tokenFile: String, roleArn: String, sessionName: String = STSClient.defaultSessionName,
                durationSeconds: Int? = nil, sts: STSClient) throws(AWSError) {
        self.tokenFile = tokenFile
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.durationSeconds = durationSeconds
        setup = .success(try Self.checked(sts: sts, tokenFile: tokenFile, roleArn: roleArn, sessionName: sessionName,
                                          durationSeconds: durationSeconds))
    }

    public func credentials() throws(AWSError) -> AWSCredentials {
        let (sts, tokenFile, role) = try setup.get()
        let token = try Self.readToken(tokenFile)
        do {
            return try sts.assumeRoleWithWebIdentity(roleArn: role.text, sessionName: sessionName, webIdentityToken: token,
                                                     durationSeconds: durationSeconds).credentials
        } catch {
            throw error.asCredentialsError("web identity: AssumeRoleWithWebIdentity for \(role.text)")
        }
    }

    private static func checked(sts: STSClient, tokenFile: String, roleArn: String, sessionName: String,
                                durationSeconds: Int?) throws(AWSError) -> (sts: STSClient, tokenFile: String, role: IAMRoleARN) {
        let role = try IAMRoleARN(roleArn)
        try STSClient.validate(sessionName: sessionName)
        if let durationSeconds { try STSClient.validate(durationSeconds: durationSeconds) }
        return (sts, tokenFile, role)
    }

    /// The token, whitespace trimmed; at most `maxTokenBytes`.
    static func readToken(_ path: String) throws(AWSError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AWSError(.credentials, message: "web identity: cannot open the token file \(path) (AWS_WEB_IDENTITY_TOKEN_FILE): "
                           + (FileManager.default.fileExists(atPath: path) ? "permission denied?" : "it does not exist"))
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxTokenBytes + 1) ?? Data()
        } catch {
            throw AWSError(.credentials, message: "web identity: cannot read the token file \(path)")
        }
        guard data.count <= maxTokenBytes else {
            throw AWSError(.credentials, message: "web identity: the token file \(path) is larger than \(maxTokenBytes) bytes")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw AWSError(.credentials, message: "web identity: the token file \(path) is empty") }
        return token
    }
}
