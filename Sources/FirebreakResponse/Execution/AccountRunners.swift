import FirebreakAWS
import Synchronization

/// The step runners of every account and region Firebreak acts in: the service's own (`home`), the same credentials
/// in another region, and member accounts through a role assumed there (`aws.assume_role_arn`), each built once and
/// kept. An action runs where its finding is (`PlannedAction.place`); an alert always from home, where its topic is.
public final class AccountRunners: Sendable {
    /// The service's own account in its configured region.
    public let home: StepRunner
    public let homeRegion: String
    /// Builds a runner: `account` nil for the service's own credentials, else the account's assumed role.
    public typealias Factory = @Sendable (_ account: String?, _ region: String) throws(AWSError) -> StepRunner

    private let factory: Factory?
    /// The service's own account id (configured, or asked of STS); nil when it cannot be known.
    public let ownAccount: @Sendable () -> String?
    /// True when `aws.assume_role_arn` is set: other accounts get a runner through `factory`.
    public let actsInMemberAccounts: Bool
    /// True when the role pattern names `{account_id}`: the own account then keeps its own credentials.
    private let rolePerAccount: Bool
    private let cache = Mutex<[Key: StepRunner]>([:])
    /// Runners kept at most (accounts × regions); past it the cache starts over (credentials are cached per account
    /// by the factory's provider anyway).
    static let capacity = 1_000

    struct Key: Hashable {
        var account: String?
        var region: String
    }

    /// Where an action can run, or why it cannot.
    public enum Choice: Sendable {
        case runner(StepRunner)
        case unavailable(String)
    }

    /// One account, one region: every action runs on `home`.
    public init(home: StepRunner, region: String = "", ownAccount: String? = nil) {
        self.home = home
        homeRegion = region
        factory = nil
        self.ownAccount = { ownAccount }
        actsInMemberAccounts = false
        rolePerAccount = false
    }

    /// - Parameters:
    ///   - roleArnPattern: `aws.assume_role_arn` (nil: member accounts are out of reach).
    ///   - ownAccount: the service's account id, asked when first needed (it may call STS) and then kept by the caller.
    public init(home: StepRunner, region: String, roleArnPattern: String?, ownAccount: @escaping @Sendable () -> String?,
                factory: @escaping Factory) {
        self.home = home
        homeRegion = region
        self.factory = factory
        self.ownAccount = ownAccount
        actsInMemberAccounts = roleArnPattern != nil
        rolePerAccount = roleArnPattern?.contains("{account_id}") ?? false
    }

    /// The runner for an action about `account` in `region` (nil: the finding did not say; home is meant).
    public func runner(account: String?, region: String?) throws(AWSError) -> Choice {
        let region = region.flatMap { $0.isEmpty ? nil : $0 } ?? homeRegion
        let account = account.flatMap { $0.isEmpty ? nil : $0 }
        let key: Key
        if actsInMemberAccounts, let account, !(rolePerAccount && account == ownAccount()) {
            key = Key(account: account, region: region)
        } else if let account, !actsInMemberAccounts, let own = ownAccount(), own != account {
            return .unavailable("the finding is in account \(account), not this service's account \(own), and "
                                + "aws.assume_role_arn is not set")
        } else {
            key = Key(account: nil, region: region)
        }
        if key.account == nil && (key.region == homeRegion || homeRegion.isEmpty) { return .runner(home) }
        guard let factory else { return .runner(home) }
        if let kept = cache.withLock({ $0[key] }) { return .runner(kept) }
        let made = try factory(key.account, key.region)
        return .runner(cache.withLock { cache in
            if let raced = cache[key] { return raced }
            if cache.count >= Self.capacity { cache.removeAll() }
            cache[key] = made
            return made
        })
    }
}
