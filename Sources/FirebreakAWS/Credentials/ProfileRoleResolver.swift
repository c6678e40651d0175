/// Turns a profile of the shared files into a credential provider: static keys, or a role assumed with the
/// credentials of a source profile, a `credential_source`, or a web identity token file (see
/// `ProfileCredentialProvider`). Follows the AWS SDKs: for the profile asked for, `role_arn` wins over static keys;
/// for a source profile, static keys win (and a profile may name itself as source when it has them).
struct ProfileRoleResolver {
    /// Profiles in one `source_profile` chain, the first included.
    static let maxChainLength = 8
    static let unsupported = ["credential_process", "sso_session", "sso_start_url", "sso_account_id", "sso_role_name"]

    let credentials: AWSProfileFile
    let credentialsPath: String
    let config: AWSProfileFile
    let configPath: String
    let environment: [String: String]
    let transport: any AWSTransport

    func provider(profile name: String) throws(AWSError) -> any CredentialProvider {
        try provider(profile: name, chain: [])
    }

    /// `chain`: the profiles that led here through `source_profile`, in order.
    private func provider(profile name: String, chain: [String]) throws(AWSError) -> any CredentialProvider {
        let credentialsProperties = credentials.profile(name)
        let configProperties = config.profile(name)
        guard credentialsProperties != nil || configProperties != nil else {
            if let referrer = chain.last {
                throw AWSError(.credentials, message: "profile \(referrer): source_profile \(name) is in neither "
                               + "\(credentialsPath) nor \(configPath)")
            }
            throw AWSError(.credentials, message: "profile \(name): no aws_access_key_id/aws_secret_access_key in "
                           + "\(credentialsPath) or \(configPath)")
        }
        // The credentials file wins, property by property, as in the SDKs.
        let properties = (configProperties ?? [:]).merging(credentialsProperties ?? [:]) { $1 }
        let keys = try staticKeys(name, [(credentialsProperties, credentialsPath), (configProperties, configPath)])
        if let roleArn = AWSProfileFile.nonEmpty(properties["role_arn"]), !(keys != nil && !chain.isEmpty) {
            return try roleProvider(name, roleArn: roleArn, properties: properties, keys: keys, chain: chain)
        }
        if let keys { return StaticCredentialProvider(keys) }
        if properties["web_identity_token_file"] != nil {
            throw AWSError(.credentials, message: "profile \(name): web_identity_token_file needs role_arn")
        }
        let unsupported = Self.unsupported.filter { properties[$0] != nil }
        if !unsupported.isEmpty {
            throw AWSError(.credentials, message: "profile \(name) uses \(unsupported.joined(separator: ", ")), "
                           + "which Firebreak does not support; give static keys, role_arn with source_profile or "
                           + "credential_source, environment variables, or run with a container or instance role")
        }
        throw AWSError(.credentials, message: "profile \(name): no aws_access_key_id/aws_secret_access_key in "
                       + "\(credentialsPath) or \(configPath)")
    }

    /// Both keys from the first file that has them; one without the other is an error.
    private func staticKeys(_ name: String, _ sources: [([String: String]?, String)]) throws(AWSError) -> AWSCredentials? {
        for (properties, path) in sources {
            guard let properties else { continue }
            let key = AWSProfileFile.nonEmpty(properties["aws_access_key_id"])
            let secret = AWSProfileFile.nonEmpty(properties["aws_secret_access_key"])
            if let key, let secret {
                return AWSCredentials(accessKeyID: key, secretAccessKey: secret,
                                      sessionToken: AWSProfileFile.nonEmpty(properties["aws_session_token"]))
            }
            if (key == nil) != (secret == nil) {
                throw AWSError(.credentials, message: "profile \(name) in \(path) has only one of aws_access_key_id "
                               + "and aws_secret_access_key")
            }
        }
        return nil
    }

    private func roleProvider(_ name: String, roleArn: String, properties: [String: String], keys: AWSCredentials?,
                              chain: [String]) throws(AWSError) -> any CredentialProvider {
        func failure(_ text: String) -> AWSError { AWSError(.credentials, message: "profile \(name): \(text)") }
        if properties["mfa_serial"] != nil {
            throw failure("role_arn with mfa_serial needs a code typed by a person, which Firebreak cannot ask for")
        }
        let sourceProfile = AWSProfileFile.nonEmpty(properties["source_profile"])
        let credentialSource = AWSProfileFile.nonEmpty(properties["credential_source"])
        let tokenFile = AWSProfileFile.nonEmpty(properties["web_identity_token_file"])
        let sessionName = AWSProfileFile.nonEmpty(properties["role_session_name"]) ?? STSClient.defaultSessionName
        var durationSeconds: Int?
        if let text = AWSProfileFile.nonEmpty(properties["duration_seconds"]) {
            guard let value = Int(text) else { throw failure("duration_seconds \"\(text.prefix(20))\" is not a number of seconds") }
            durationSeconds = value
        }
        let resolver = EndpointResolver(environment: environment)
        let source: any CredentialProvider
        switch (sourceProfile, credentialSource, tokenFile) {
        case (_?, _?, _), (_?, _, _?), (_, _?, _?):
            throw failure("role_arn takes one of source_profile, credential_source and web_identity_token_file, not several")
        case (nil, nil, let file?):
            do {
                let sts = try STSClient(credentials: UnsignedCredentialProvider(), transport: transport, resolver: resolver)
                return RefreshingCredentialProvider(try WebIdentityCredentialProvider(
                    tokenFile: AWSProfileFile.expand(file, environment: environment), roleArn: roleArn, sessionName: sessionName,
                    durationSeconds: durationSeconds, sts: sts))
            } catch {
                throw failure("role_arn: \(error.message)")
            }
        case (let profile?, nil, nil):
            source = try sourceProvider(name, sourceProfile: profile, keys: keys, chain: chain)
        case (nil, let kind?, nil):
            switch kind.lowercased() {
            case "environment": source = EnvironmentCredentialProvider(environment: environment)
            case "ec2instancemetadata":
                source = RefreshingCredentialProvider(IMDSCredentialProvider(environment: environment, transport: transport))
            case "ecscontainer":
                source = RefreshingCredentialProvider(ContainerCredentialProvider(environment: environment, transport: transport))
            default:
                throw failure("credential_source \"\(kind.prefix(40))\" is not Environment, Ec2InstanceMetadata or EcsContainer")
            }
        case (nil, nil, nil):
            throw failure("role_arn needs source_profile, credential_source or web_identity_token_file")
        }
        do {
            let sts = try STSClient(credentials: source, transport: transport, resolver: resolver)
            return RefreshingCredentialProvider(try AssumeRoleCredentialProvider(
                roleArn: roleArn, sessionName: sessionName, externalID: AWSProfileFile.nonEmpty(properties["external_id"]),
                durationSeconds: durationSeconds, sts: sts))
        } catch {
            throw failure("role_arn: \(error.message)")
        }
    }

    private func sourceProvider(_ name: String, sourceProfile: String, keys: AWSCredentials?,
                                chain: [String]) throws(AWSError) -> any CredentialProvider {
        let path = chain + [name]
        if sourceProfile == name {
            // A profile may assume its role with its own static keys.
            guard let keys else {
                throw AWSError(.credentials, message: "profile \(name): source_profile names the profile itself, which has "
                               + "no aws_access_key_id/aws_secret_access_key")
            }
            return StaticCredentialProvider(keys)
        }
        if path.contains(sourceProfile) {
            throw AWSError(.credentials, message: "profile \(path[0]): the source_profile chain "
                           + (path + [sourceProfile]).joined(separator: " → ") + " is a cycle")
        }
        guard path.count < Self.maxChainLength else {
            throw AWSError(.credentials, message: "profile \(path[0]): the source_profile chain "
                           + (path + [sourceProfile]).joined(separator: " → ") + " is longer than \(Self.maxChainLength) profiles")
        }
        return try provider(profile: sourceProfile, chain: path)
    }
}
