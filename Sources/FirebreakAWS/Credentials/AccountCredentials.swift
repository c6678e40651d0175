import Foundation
import Synchronization

/// Credentials for acting in other accounts: one assumed role per 12-digit account id, from a role ARN pattern such
/// as `arn:aws:iam::{account_id}:role/FirebreakResponder`, assumed with the service's own credentials (those of
/// the `sts` client) and the external id the roles' trust policies ask for.
///
/// Each account's provider is a `RefreshingCredentialProvider` over an `AssumeRoleCredentialProvider`, made on first
/// use and kept: STS is called once per account until the credentials near their expiration. At most `maxAccounts`
/// providers are kept; past that the least recently used is dropped (and made again when needed). Thread-safe.
public final class AccountCredentials: Sendable {
    /// Where the account id goes in the pattern; it must be the ARN's account field.
    public static let accountPlaceholder = "{account_id}"
    public static let defaultMaxAccounts = 1_000

    public let roleArnPattern: String
    public let externalID: String?
    public let sessionName: String
    public let durationSeconds: Int?
    public let maxAccounts: Int
    public let sts: STSClient
    private let refreshBefore: Duration
    private let now: @Sendable () -> Date
    private let cache = Mutex<Cache>(Cache())

    private struct Cache {
        var entries: [String: (provider: RefreshingCredentialProvider, lastUse: UInt64)] = [:]
        var clock: UInt64 = 0
    }

    /// Checks the pattern (a role ARN with `{account_id}` as its account), external id, session name and duration;
    /// an `.invalidParameter` error says what to fix.
    /// - Parameters:
    ///   - sts: signs `AssumeRole` with the service's own credentials.
    ///   - refreshBefore, now: passed to each account's `RefreshingCredentialProvider`.
    public init(roleArnPattern: String, externalID: String? = nil, sessionName: String = STSClient.defaultSessionName,
                durationSeconds: Int? = nil, sts: STSClient, maxAccounts: Int = defaultMaxAccounts,
                refreshBefore: Duration = .seconds(300), now: @escaping @Sendable () -> Date = { Date() }) throws(AWSError) {
        let fields = roleArnPattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[4] == Self.accountPlaceholder,
              roleArnPattern.components(separatedBy: Self.accountPlaceholder).count == 2 else {
            throw AWSError(.invalidParameter, message: "the role ARN pattern \"\(roleArnPattern.prefix(200))\" must have "
                           + "\(Self.accountPlaceholder) as its account, once: like arn:aws:iam::\(Self.accountPlaceholder):"
                           + "role/FirebreakResponder")
        }
        _ = try IAMRoleARN(roleArnPattern.replacingOccurrences(of: Self.accountPlaceholder, with: "123456789012"))
        try STSClient.validate(sessionName: sessionName)
        if let externalID { try STSClient.validate(externalID: externalID) }
        if let durationSeconds { try STSClient.validate(durationSeconds: durationSeconds) }
        self.roleArnPattern = roleArnPattern
        self.externalID = externalID
        self.sessionName = sessionName
        self.durationSeconds = durationSeconds
        self.sts = sts
        self.maxAccounts = max(1, maxAccounts)
        self.refreshBefore = refreshBefore
        self.now = now
    }

    /// The role to assume in `accountID` (12 digits, else `.invalidParameter`).
    public func roleArn(forAccount accountID: String) throws(AWSError) -> String {
        guard IAMRoleARN.isAccountID(accountID) else {
            throw AWSError(.invalidParameter, message: "\"\(accountID.prefix(40))\" is not an AWS account id (12 digits)")
        }
        return roleArnPattern.replacingOccurrences(of: Self.accountPlaceholder, with: accountID)
    }

    /// The cached, refreshing provider of `accountID`'s role; no STS call until its first `credentials()`.
    /// Its `invalidate()` makes the next call assume the role again (after the role's credentials were refused).
    public func provider(forAccount accountID: String) throws(AWSError) -> RefreshingCredentialProvider {
        let arn = try roleArn(forAccount: accountID)
        if let cached = cache.withLock({ cache -> RefreshingCredentialProvider? in
            cache.clock += 1
            cache.entries[accountID]?.lastUse = cache.clock
            return cache.entries[accountID]?.provider
        }) {
            return cached
        }
        let made = RefreshingCredentialProvider(
            try AssumeRoleCredentialProvider(roleArn: arn, sessionName: sessionName, externalID: externalID,
                                             durationSeconds: durationSeconds, sts: sts),
            refreshBefore: refreshBefore, now: now)
        return cache.withLock { cache in
            cache.clock += 1
            if let raced = cache.entries[accountID] {
                cache.entries[accountID]?.lastUse = cache.clock
                return raced.provider
            }
            if cache.entries.count >= maxAccounts,
               let oldest = cache.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                cache.entries[oldest] = nil
            }
            cache.entries[accountID] = (made, cache.clock)
            return made
        }
    }

    /// How many accounts have a provider kept.
    public var cachedAccountCount: Int { cache.withLock { $0.entries.count } }
}
