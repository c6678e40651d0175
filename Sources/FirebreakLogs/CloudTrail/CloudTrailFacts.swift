/// Fields computed from a CloudTrail record for rules, read as `firebreak.<name>`: what Sigma's modifiers cannot say
/// of a record (who acted, whether a person did, what a resource policy opens). Computed when a rule reads them, never
/// stored in the record, so findings show the record as delivered.
public enum CloudTrailFacts {
    /// The first path component of a computed field.
    public static let prefix = "firebreak"

    /// The computed fields.
    public enum Field: String, Sendable, CaseIterable {
        /// Who acted: the role's ARN for an assumed-role session (`sessionContext.sessionIssuer.arn`), the
        /// `userIdentity.arn` of users and root, the service of an AWS service (`invokedBy`).
        case principal
        /// A person acted (see `CloudTrailFacts.isHuman`).
        case human
        /// CloudFormation made the call (`invokedBy`, `sourceIPAddress` or `userAgent` cloudformation.amazonaws.com).
        case viaCloudFormation = "via_cloudformation"
        /// Accounts other than the recipient account that the call grants access or hands data to (see
        /// `externalAccounts`); present, possibly empty, only for the calls that can.
        case externalAccounts = "external_accounts"
        /// The resource policy the call sets lets everyone in (`ResourcePolicy.isPublic`); present only for calls
        /// that set one.
        case policyPublic = "policy_public"
    }

    /// The top-level members of a record the fields are computed from (every field's `members(of:)`): a record with
    /// only these members has the same facts (`CloudTrailFactsTests`), so a record read from its tape builds only them.
    public static let members: [String] = Field.allCases.reduce(into: []) { all, field in
        for member in members(of: field) where !all.contains(member) { all.append(member) }
    }

    /// The members `field` is computed from.
    public static func members(of field: Field) -> [String] {
        switch field {
        case .principal: return ["userIdentity"]
        case .human: return ["userIdentity", "sessionCredentialFromConsole", "sourceIPAddress", "userAgent"]
        case .viaCloudFormation: return ["userIdentity", "sourceIPAddress", "userAgent"]
        case .externalAccounts: return ["userIdentity", "eventSource", "eventName", "recipientAccountId", "requestParameters"]
        case .policyPublic: return ["eventSource", "eventName", "requestParameters"]
        }
    }

    /// Whether `field` reads `requestParameters` for a call of `eventName` on `eventSource`: when false, its value is
    /// nil whatever the parameters hold, so they need not be read.
    public static func readsParameters(_ field: Field, eventSource: String?, eventName: String?) -> Bool {
        guard let source = eventSource, let name = eventName else { return false }
        switch field {
        case .externalAccounts: return Grant.of(source: source, name: name) != nil
        case .policyPublic: return isLambdaPermission(source, name) || setsPolicy(source, name)
        case .principal, .human, .viaCloudFormation: return false
        }
    }

    /// How a call hands access or data to accounts (`externalAccounts`).
    private enum Grant {
        /// The accounts (ids or ARNs) are at these paths under `requestParameters`.
        case paths([[String]])
        /// They are the principals of the resource policy the call sets.
        case policy

        static func of(source: String, name: String) -> Grant? {
            switch (source, name) {
            case ("ec2.amazonaws.com", "ModifySnapshotAttribute"):
                return .paths([["createVolumePermission", "add", "items", "userId"]])
            case ("ec2.amazonaws.com", "ModifyImageAttribute"):
                return .paths([["launchPermission", "add", "items", "userId"]])
            case ("rds.amazonaws.com", "ModifyDBSnapshotAttribute"), ("rds.amazonaws.com", "ModifyDBClusterSnapshotAttribute"):
                return .paths([["valuesToAdd"]])
            case ("s3.amazonaws.com", "PutBucketReplication"):
                return .paths([["ReplicationConfiguration", "Rule", "Destination", "Account"]])
            case ("s3.amazonaws.com", "PutObject"), ("s3.amazonaws.com", "CopyObject"), ("s3.amazonaws.com", "CreateMultipartUpload"):
                return .paths([["x-amz-server-side-encryption-aws-kms-key-id"]])
            default:
                if isLambdaPermission(source, name) { return .paths([["principal"], ["sourceAccount"]]) }
                return setsPolicy(source, name) ? .policy : nil
            }
        }
    }

    private static func isLambdaPermission(_ source: String, _ name: String) -> Bool {
        source == "lambda.amazonaws.com" && name.hasPrefix("AddPermission")
    }

    /// The call sets a resource policy `policy(of:)` reads.
    private static func setsPolicy(_ source: String, _ name: String) -> Bool {
        policyPaths[source + "/" + name] != nil || (source == "sns.amazonaws.com" && name == "SetTopicAttributes")
    }

    /// The value of `field` for `record`, nil when it does not apply.
    public static func value(_ field: Field, of record: JSONValue) -> JSONValue? {
        switch field {
        case .principal: return principal(of: record).map(JSONValue.string)
        case .human: return .bool(isHuman(record))
        case .viaCloudFormation: return .bool(viaCloudFormation(record))
        case .externalAccounts: return externalAccounts(of: record).map { .array($0.map(JSONValue.string)) }
        case .policyPublic: return policyPublic(of: record).map(JSONValue.bool)
        }
    }

    /// Every field that applies, as an object (for `decode` output and tests).
    public static func object(of record: JSONValue) -> JSONObject {
        var object = JSONObject()
        for field in Field.allCases {
            if let value = value(field, of: record) { object.append(field.rawValue, value) }
        }
        return object
    }

    // MARK: Identity

    static func principal(of record: JSONValue) -> String? {
        guard let identity = record["userIdentity"] else { return nil }
        switch identity["type"]?.stringValue {
        case "AssumedRole":
            return identity["sessionContext"]?["sessionIssuer"]?["arn"]?.stringValue ?? identity["arn"]?.stringValue
        case "AWSService":
            return identity["invokedBy"]?.stringValue ?? identity["principalId"]?.stringValue
        default:
            return identity["arn"]?.stringValue ?? identity["invokedBy"]?.stringValue ?? identity["principalId"]?.stringValue
        }
    }

    /// A person acted: root, an IAM user, an Identity Center user, a federated or SAML user, or a role session from
    /// the console or of an Identity Center permission set (`AWSReservedSSO_*`). Not when an AWS service acted or acted
    /// for the caller (`invokedBy`), nor for other role sessions (applications, pipelines; a person who assumed a role
    /// from the CLI looks the same and is not counted).
    static func isHuman(_ record: JSONValue) -> Bool {
        guard let identity = record["userIdentity"] else { return false }
        if let invokedBy = identity["invokedBy"]?.stringValue, !invokedBy.isEmpty { return false }
        if viaCloudFormation(record) { return false }
        switch identity["type"]?.stringValue {
        case "Root", "IAMUser", "IdentityCenterUser", "FederatedUser", "SAMLUser":
            return true
        case "AssumedRole":
            let context = identity["sessionContext"]
            let issuer = context?["sessionIssuer"]
            if issuer?["userName"]?.stringValue?.hasPrefix("AWSReservedSSO_") == true { return true }
            if issuer?["arn"]?.stringValue.map({ bytesContain($0, ":role/aws-reserved/sso.amazonaws.com/") }) == true { return true }
            // CloudTrail writes sessionCredentialFromConsole at the top of the record (older producers: in the session context).
            if (record["sessionCredentialFromConsole"] ?? context?["sessionCredentialFromConsole"]).map(isTrue) == true { return true }
            return isConsoleAgent(record["userAgent"]?.stringValue)
        default:
            return false
        }
    }

    static func viaCloudFormation(_ record: JSONValue) -> Bool {
        let service = "cloudformation.amazonaws.com"
        return record["userIdentity"]?["invokedBy"]?.stringValue == service
            || record["sourceIPAddress"]?.stringValue == service
            || record["userAgent"]?.stringValue == service
    }

    /// The user agents CloudTrail records for calls made from the AWS Management Console.
    static func isConsoleAgent(_ agent: String?) -> Bool {
        guard let agent else { return false }
        return agent == "AWS Internal" || agent.hasPrefix("console.") || bytesContain(agent, "console.amazonaws.com")
            || agent.hasPrefix("signin.amazonaws.com")
    }

    /// `text.contains(needle)` compared byte for byte (the standard library's search of a string is generic and
    /// several times slower, and these run for every record a rule on `firebreak.human` reads).
    static func bytesContain(_ text: String, _ needle: String) -> Bool {
        var text = text
        var needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { needle in
                guard let first = needle.first else { return true }
                guard haystack.count >= needle.count else { return false }
                var i = 0
                while i <= haystack.count - needle.count {
                    if haystack[i] == first {
                        var j = 1
                        while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                        if j == needle.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    private static func isTrue(_ value: JSONValue) -> Bool {
        value.boolValue ?? (value.stringValue?.lowercased() == "true")
    }

    // MARK: Grants

    /// The account whose resources the call is about: `recipientAccountId`, else the caller's account.
    static func ownAccount(of record: JSONValue) -> String? {
        record["recipientAccountId"]?.stringValue ?? record["userIdentity"]?["accountId"]?.stringValue
    }

    /// Accounts other than the own one the call grants or sends to, nil when the call is not one that can:
    /// - EC2 `ModifySnapshotAttribute` / `ModifyImageAttribute`: `createVolumePermission` / `launchPermission` `add`
    ///   user ids;
    /// - RDS `ModifyDBSnapshotAttribute` / `ModifyDBClusterSnapshotAttribute`: `valuesToAdd` account ids;
    /// - calls that set a resource policy (`policyPath`): the policy's accounts (`ResourcePolicy.accounts`);
    /// - Lambda `AddPermission`: `principal` and `sourceAccount`;
    /// - S3 `PutBucketReplication`: the destinations' `Account`;
    /// - S3 `PutObject` / `CopyObject` / `CreateMultipartUpload`: the account of the KMS key ARN the object is encrypted with.
    static func externalAccounts(of record: JSONValue) -> [String]? {
        guard let name = record["eventName"]?.stringValue, let source = record["eventSource"]?.stringValue,
              let parameters = record["requestParameters"], let grant = Grant.of(source: source, name: name) else { return nil }
        let accounts: [String]
        switch grant {
        case .paths(let paths):
            accounts = paths.flatMap { texts(parameters, $0) }
        case .policy:
            guard let policy = policy(of: record) else { return nil }
            accounts = policy.accounts
        }
        let own = ownAccount(of: record)
        var out: [String] = []
        for text in accounts {
            if let account = AccountID.of(text), account != own, !out.contains(account) { out.append(account) }
        }
        return out
    }

    /// Whether the policy the call sets is public; nil when the call sets none. Lambda `AddPermission` for principal
    /// `*` without `sourceAccount`, `sourceArn` or `principalOrgID` counts as public.
    static func policyPublic(of record: JSONValue) -> Bool? {
        if let source = record["eventSource"]?.stringValue, let name = record["eventName"]?.stringValue,
           isLambdaPermission(source, name) {
            guard let parameters = record["requestParameters"] else { return nil }
            let pinned = ["sourceAccount", "sourceArn", "principalOrgID"].contains { key in
                parameters[key]?.stringValue.map { !$0.isEmpty } ?? false
            }
            return parameters["principal"]?.stringValue == "*" && !pinned
        }
        return policy(of: record)?.isPublic
    }

    /// Where each policy-setting call carries the policy, under `requestParameters` (first present wins).
    static let policyPaths: [String: [String]] = [
        "s3.amazonaws.com/PutBucketPolicy": ["bucketPolicy", "policy"],
        "iam.amazonaws.com/CreateRole": ["assumeRolePolicyDocument"],
        "iam.amazonaws.com/UpdateAssumeRolePolicy": ["policyDocument"],
        "secretsmanager.amazonaws.com/PutResourcePolicy": ["resourcePolicy"],
        "kms.amazonaws.com/PutKeyPolicy": ["policy"],
        "kms.amazonaws.com/CreateKey": ["policy"],
        "ec2.amazonaws.com/CreateVpcEndpoint": ["CreateVpcEndpointRequest.PolicyDocument", "policyDocument"],
        "ec2.amazonaws.com/ModifyVpcEndpoint": ["ModifyVpcEndpointRequest.PolicyDocument", "policyDocument"],
        "ecr.amazonaws.com/SetRepositoryPolicy": ["policyText"],
        "sns.amazonaws.com/CreateTopic": ["attributes.Policy"],
        "sqs.amazonaws.com/SetQueueAttributes": ["attributes.Policy"],
        "sqs.amazonaws.com/CreateQueue": ["attributes.Policy"],
        "backup.amazonaws.com/PutBackupVaultAccessPolicy": ["policy"],
        "glacier.amazonaws.com/SetVaultAccessPolicy": ["policy.policy", "policy"],
    ]

    /// The resource policy the call sets, if it is one that does and the policy can be read.
    static func policy(of record: JSONValue) -> ResourcePolicy? {
        guard let name = record["eventName"]?.stringValue, let source = record["eventSource"]?.stringValue,
              let parameters = record["requestParameters"] else { return nil }
        if source == "sns.amazonaws.com", name == "SetTopicAttributes" {
            guard parameters["attributeName"]?.stringValue == "Policy", let value = parameters["attributeValue"] else { return nil }
            return ResourcePolicy(document: value)
        }
        guard let paths = policyPaths[source + "/" + name] else { return nil }
        for path in paths {
            if let document = parameters.value(at: path), !document.isNull { return ResourcePolicy(document: document) }
        }
        return nil
    }

    private static func texts(_ root: JSONValue, _ path: [String]) -> [String] {
        root.values(at: path).flatMap { ResourcePolicy.texts($0) }
    }
}
