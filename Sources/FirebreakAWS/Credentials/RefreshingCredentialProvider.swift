import Dispatch
import Foundation
import Synchronization

/// Caches the credentials of another provider and fetches new ones `refreshBefore` their `Expiration`.
///
/// One fetch at a time for all callers: while it runs, callers whose cached credentials are still valid keep
/// using them, the others wait for its result. If a refresh fails while the cached credentials are still valid,
/// they are returned and the next call tries again. Credentials without an expiration are kept forever.
public final class RefreshingCredentialProvider: CredentialProvider {
    public let base: any CredentialProvider
    public let refreshBefore: Duration
    private let now: @Sendable () -> Date
    private let state = Mutex<State>(State())

    private struct State {
        var current: AWSCredentials?
        var pending: PendingFetch?
    }

    /// - Parameters:
    ///   - refreshBefore: how long before `expiration` new credentials are fetched (default five minutes).
    ///   - now: the clock, for tests.
    public init(_ base: any CredentialProvider, refreshBefore: Duration = .seconds(300),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.base = base
        self.refreshBefore = refreshBefore
        self.now = now
    }

    public func credentials() throws(AWSError) -> AWSCredentials {
        enum Step {
            case use(AWSCredentials)
            case wait(PendingFetch)
            case fetch(PendingFetch)
        }
        let date = now()
        let step = state.withLock { state -> Step in
            if let current = state.current, !needsRefresh(current, at: date) { return .use(current) }
            if let pending = state.pending {
                if let current = state.current, isValid(current, at: date) { return .use(current) }
                return .wait(pending)
            }
            let pending = PendingFetch()
            state.pending = pending
            return .fetch(pending)
        }
        switch step {
        case .use(let credentials):
            return credentials
        case .wait(let pending):
            return try pending.wait().get()
        case .fetch(let pending):
            let fetched: Result<AWSCredentials, AWSError>
            do {
                fetched = .success(try base.credentials())
            } catch {
                fetched = .failure(error)
            }
            let result = state.withLock { state -> Result<AWSCredentials, AWSError> in
                state.pending = nil
                switch fetched {
                case .success(let credentials):
                    state.current = credentials
                    return fetched
                case .failure:
                    if let current = state.current, isValid(current, at: now()) { return .success(current) }
                    return fetched
                }
            }
            pending.finish(result)
            return try result.get()
        }
    }

    /// Forgets the cached credentials (e.g. after the service rejected them); the next call fetches.
    public func invalidate() {
        state.withLock { $0.current = nil }
    }

    private func needsRefresh(_ credentials: AWSCredentials, at date: Date) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return date >= expiration.addingTimeInterval(-Self.seconds(refreshBefore))
    }

    private func isValid(_ credentials: AWSCredentials, at date: Date) -> Bool {
        guard let expiration = credentials.expiration else { return true }
        return date < expiration
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

/// One fetch in flight: waiters block on the semaphore until its result is set.
private final class PendingFetch: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let result = Mutex<Result<AWSCredentials, AWSError>?>(nil)

    func finish(_ value: Result<AWSCredentials, AWSError>) {
        result.withLock { $0 = value }
        done.signal()
    }

    func wait() -> Result<AWSCredentials, AWSError> {
        done.wait()
        done.signal()  // wake the next waiter
        return result.withLock { $0 }!
    }
}
