/// How a call retries: exponential backoff with full jitter, bounded by an attempt count and a deadline.
///
/// Retry `n` (1 for the first retry) sleeps a random duration in `0...min(maxDelay, baseDelay · 2ⁿ⁻¹)`.
/// Only retryable errors (`AWSError.isRetryable`: throttling, 5xx, transport) are retried; a sleep that
/// would end past the deadline is not taken, the last error is thrown instead.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; 1 disables retries.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Time for the whole call, retries and sleeps included.
    public var deadline: Duration

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5),
                deadline: Duration = .seconds(30)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.deadline = deadline
    }

    /// One attempt, no retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The upper bound of the sleep before retry `retry` (1-based).
    public func delayCeiling(retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let grown = baseDelay * (1 << exponent)
        return min(grown, maxDelay)
    }

    /// A random sleep before retry `retry`, uniform in `0...delayCeiling(retry:)` (full jitter).
    public func delay(retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = delayCeiling(retry: retry)
        let nanoseconds = ceiling.nanoseconds
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator))
    }

    public func delay(retry: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(retry: retry, using: &generator)
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
