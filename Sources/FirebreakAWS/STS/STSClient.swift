import Foundation

/// Typed STS calls over the Query protocol (`Version=2011-06-15`, signing name `sts`).
///
/// None of them changes an account (they hand out temporary credentials or say who is calling), so all are
/// retried like reads. Inputs are checked before sending (`.invalidParameter`); the web identity token and
/// the credentials returned never appear in an error.
public struct STSClient: QueryServiceClient {
    public static let apiVersion = "2011-06-15"
    public static let signingName = "sts"
    /// The session name when none is configured; it shows in CloudTrail as `assumed-role/<role>/firebreak`.
    public static let defaultSessionName = "firebreak"
    /// The region of STS when none is configured (the one the global endpoint signs for).
    public static let defaultRegion = "us-east-1"
    /// Allowed `DurationSeconds`: 15 minutes to 12 hours (the role's maximum session duration caps it further).
    public static let durationSecondsRange = 900...43_200
    public static let sessionNameLengths = 2...64
    public static let externalIDLengths = 2...1224
    public static let webIdentityTokenLengths = 4...20_000

    public let client: AWSClient

    /// A client over `client`, whose signing name should be `sts`.
    public init(client: AWSClient) {
        self.client = client
    }

    /// A client of STS at the resolved endpoint (`endpoint`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, else
    /// `https://sts.<region>.amazonaws.com`), signing with `credentials`. The region is `region`, `AWS_REGION`,
    /// `AWS_DEFAULT_REGION` or the profile's, else `us-east-1`.
    public init(region: String? = nil, endpoint: URL? = nil, credentials: any CredentialProvider,
                transport: any AWSTransport, resolver: EndpointResolver = EndpointResolver(),
                retryPolicy: RetryPolicy = RetryPolicy(), timeouts: AWSTimeouts = AWSTimeouts()) throws(AWSError) {
        let region = try Self.region(explicit: region, resolver: resolver)
        client = try AWSClient(service: .sts, region: region, endpoint: endpoint, credentials: credentials,
                               transport: transport, resolver: resolver, retryPolicy: retryPolicy, timeouts: timeouts)
    }

    // MARK: Calls

    /// The account, ARN and user id of the credentials the client signs with.
    public func getCallerIdentity() throws(AWSError) -> STSCallerIdentity {
        let root = try client.query(Self.request("GetCallerIdentity"), readOnly: true)
        guard let result = root.child("GetCallerIdentityResult"),
              let account = nonEmpty(result.string("Account")), IAMRoleARN.isAccountID(account),
              let arn = nonEmpty(result.string("Arn")), let userID = nonEmpty(result.string("UserId")) else {
            throw AWSError(.server, code: "MalformedResponse",
                           message: "GetCallerIdentity answered without a 12-digit Account, an Arn and a UserId",
                           requestID: root.string("ResponseMetadata", "RequestId"))
        }
        return STSCallerIdentity(account: account, arn: arn, userID: userID)
    }

    /// Temporary credentials of `roleArn`, signed with the client's credentials. `externalID` is what the role's
    /// trust policy asks for (`sts:ExternalId`); `durationSeconds` nil lets STS choose (one hour).
    public func assumeRole(roleArn: String, sessionName: String = defaultSessionName, externalID: String? = nil,
                           durationSeconds: Int? = nil) throws(AWSError) -> STSAssumedRole {
        let request = try Self.assumeRoleRequest(roleArn: roleArn, sessionName: sessionName, externalID: externalID,
                                                 durationSeconds: durationSeconds)
        return try Self.assumedRole(from: client.query(request, readOnly: true), action: "AssumeRole")
    }

    /// Temporary credentials of `roleArn` for an OpenID Connect token (an EKS service account's, for instance).
    /// Sent unsigned, as AWS expects: the token is the proof.
    public func assumeRoleWithWebIdentity(roleArn: String, sessionName: String = defaultSessionName,
                                          webIdentityToken: String, durationSeconds: Int? = nil) throws(AWSError) -> STSAssumedRole {
        let request = try Self.assumeRoleWithWebIdentityRequest(roleArn: roleArn, sessionName: sessionName,
                                                                webIdentityToken: webIdentityToken,
                                                                durationSeconds: durationSeconds)
        return try Self.assumedRole(from: client.query(request, readOnly: true, signed: false),
                                    action: "AssumeRoleWithWebIdentity")
    }

    // MARK: Requests

    static func assumeRoleRequest(roleArn: String, sessionName: String, externalID: String?,
                                  durationSeconds: Int?) throws(AWSError) -> QueryRequest {
        let role = try IAMRoleARN(roleArn)
        try validate(sessionName: sessionName)
        if let externalID { try validate(externalID: externalID) }
        if let durationSeconds { try validate(durationSeconds: durationSeconds) }
        var request = Self.request("AssumeRole")
        request.add("RoleArn", role.text)
        request.add("RoleSessionName", sessionName)
        request.addIfPresent("ExternalId", externalID)
        if let durationSeconds { request.add("DurationSeconds", durationSeconds) }
        return request
    }

    static func assumeRoleWithWebIdentityRequest(roleArn: String, sessionName: String, webIdentityToken: String,
                                                 durationSeconds: Int?) throws(AWSError) -> QueryRequest {
        let role = try IAMRoleARN(roleArn)
        try validate(sessionName: sessionName)
        guard webIdentityTokenLengths.contains(webIdentityToken.utf8.count) else {
            throw AWSError(.invalidParameter, message: "the web identity token has \(webIdentityToken.utf8.count) bytes; "
                           + "STS takes \(webIdentityTokenLengths.lowerBound) to \(webIdentityTokenLengths.upperBound)")
        }
        if let durationSeconds { try validate(durationSeconds: durationSeconds) }
        var request = Self.request("AssumeRoleWithWebIdentity")
        request.add("RoleArn", role.text)
        request.add("RoleSessionName", sessionName)
        request.add("WebIdentityToken", webIdentityToken)
        if let durationSeconds { request.add("DurationSeconds", durationSeconds) }
        return request
    }

    // MARK: Validation

    /// 2 to 64 characters of letters, digits and `+=,.@_-`.
    public static func validate(sessionName: String) throws(AWSError) {
        guard sessionNameLengths.contains(sessionName.unicodeScalars.count),
              sessionName.unicodeScalars.allSatisfy(isNameCharacter) else {
            throw AWSError(.invalidParameter, message: "the role session name \"\(sessionName.prefix(80))\" must have 2 to 64 "
                           + "characters, each a letter, digit or one of +=,.@_-")
        }
    }

    /// 2 to 1,224 characters of letters, digits and `+=,.@:/_-`.
    public static func validate(externalID: String) throws(AWSError) {
        guard externalIDLengths.contains(externalID.unicodeScalars.count),
              externalID.unicodeScalars.allSatisfy({ isNameCharacter($0) || $0 == ":" || $0 == "/" }) else {
            throw AWSError(.invalidParameter, message: "the external id must have 2 to 1224 characters, each a letter, "
                           + "digit or one of +=,.@:/_-")
        }
    }

    /// 900 to 43,200 seconds.
    public static func validate(durationSeconds: Int) throws(AWSError) {
        guard durationSecondsRange.contains(durationSeconds) else {
            throw AWSError(.invalidParameter, message: "the session duration \(durationSeconds) s is outside 900 s (15 minutes) "
                           + "to 43200 s (12 hours)")
        }
    }

    /// `[\w+=,.@-]` in ASCII: letters, digits, `_` and `+=,.@-`.
    static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "+", "=", ",", ".", "@", "-": true
        default: false
        }
    }

    // MARK: Responses

    /// `<ActionResult><Credentials>…</Credentials><AssumedRoleUser>…</AssumedRoleUser></ActionResult>`; errors
    /// never carry the body (it holds the secret).
    static func assumedRole(from root: AWSXMLElement, action: String) throws(AWSError) -> STSAssumedRole {
        let requestID = root.string("ResponseMetadata", "RequestId")
        func malformed(_ what: String) -> AWSError {
            AWSError(.server, code: "MalformedResponse", message: "\(action) answered without \(what)", requestID: requestID)
        }
        guard let result = root.child("\(action)Result") else { throw malformed("\(action)Result") }
        guard let key = nonEmpty(result.string("Credentials", "AccessKeyId")),
              let secret = nonEmpty(result.string("Credentials", "SecretAccessKey")),
              let token = nonEmpty(result.string("Credentials", "SessionToken")) else {
            throw malformed("an AccessKeyId, SecretAccessKey and SessionToken")
        }
        guard let expirationText = nonEmpty(result.string("Credentials", "Expiration")) else {
            throw malformed("an Expiration")
        }
        guard let expiration = parseTimestamp(expirationText) else {
            throw malformed("an ISO 8601 Expiration (got \"\(expirationText.prefix(40))\")")
        }
        guard let arn = nonEmpty(result.string("AssumedRoleUser", "Arn")) else { throw malformed("AssumedRoleUser Arn") }
        return STSAssumedRole(credentials: AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token,
                                                          expiration: expiration),
                              assumedRoleArn: arn, assumedRoleID: nonEmpty(result.string("AssumedRoleUser", "AssumedRoleId")) ?? "")
    }

    /// `2011-07-15T23:28:33.359Z`; any number of fractional digits (moto sends six), or none.
    static func parseTimestamp(_ text: String) -> Date? {
        if let date = CredentialsDocument.parseDate(text) { return date }
        // Drop the fraction beyond milliseconds, which some formatters refuse.
        guard let dot = text.firstIndex(of: ".") else { return nil }
        let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        let rest = text[text.index(dot, offsetBy: digits.count + 1)...]
        let millis = String(digits.prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)
        return CredentialsDocument.parseDate(String(text[..<dot]) + "." + millis + String(rest))
    }

    /// The region STS is called in: as `EndpointResolver.region` finds it, else `us-east-1` when none is configured
    /// anywhere (an invalid one is still an error).
    static func region(explicit: String?, resolver: EndpointResolver) throws(AWSError) -> String {
        let environment = resolver.environment
        if AWSProfileFile.nonEmpty(explicit) != nil || AWSProfileFile.nonEmpty(environment["AWS_REGION"]) != nil
            || AWSProfileFile.nonEmpty(environment["AWS_DEFAULT_REGION"]) != nil {
            return try resolver.region(explicit: explicit)
        }
        let file = try AWSProfileFile.load(path: AWSProfileFile.configPath(environment: environment), kind: .config)
        let profile = AWSProfileFile.profileName(environment: environment)
        if AWSProfileFile.nonEmpty(file.profile(profile)?["region"]) != nil { return try resolver.region(explicit: explicit) }
        return defaultRegion
    }
}

private func nonEmpty(_ text: String?) -> String? {
    guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
    return trimmed
}
