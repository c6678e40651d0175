import FirebreakAWS
import Foundation
import Synchronization

/// The service's own account id: `aws.account_id`, else what STS GetCallerIdentity answers for the service's
/// credentials, asked when first needed (observe mode without credentials never asks) and kept; a failed answer
/// is asked again after `retryAfter`.
public final class OwnAccount: Sendable {
    private let configured: String?
    private let sts: STSClient?
    private let retryAfter: TimeInterval
    private let state = Mutex<(account: String?, failedAt: Date?)>((nil, nil))

    public init(configured: String?, sts: STSClient?, retryAfter: TimeInterval = 60) {
        self.configured = configured
        self.sts = sts
        self.retryAfter = retryAfter
    }

    /// The account id, or nil when it is not configured and STS cannot say (now).
    public func id() -> String? {
        if let configured { return configured }
        let (known, failedAt) = state.withLock { $0 }
        if let known { return known }
        if let failedAt, Date().timeIntervalSince(failedAt) < retryAfter { return nil }
        guard let sts else { return nil }
        do {
            let account = try sts.getCallerIdentity().account
            state.withLock { $0 = (account, nil) }
            return account
        } catch {
            state.withLock { $0.failedAt = Date() }
            return nil
        }
    }
}
