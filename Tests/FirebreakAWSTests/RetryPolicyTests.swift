import Testing
@testable import FirebreakAWS

@Suite struct RetryPolicyTests {
    @Test func ceilingsGrowExponentiallyUpToTheCap() {
        let policy = RetryPolicy()
        #expect(policy.maxAttempts == 4)
        #expect(policy.delayCeiling(retry: 1) == .milliseconds(100))
        #expect(policy.delayCeiling(retry: 2) == .milliseconds(200))
        #expect(policy.delayCeiling(retry: 3) == .milliseconds(400))
        #expect(policy.delayCeiling(retry: 6) == .milliseconds(3200))
        #expect(policy.delayCeiling(retry: 7) == .seconds(5))
        #expect(policy.delayCeiling(retry: 1000) == .seconds(5))
    }

    @Test func delaysStayWithinFullJitterBounds() {
        let policy = RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))
        var sawSmall = false
        var sawLarge = false
        for retry in 1...6 {
            for _ in 0..<200 {
                let delay = policy.delay(retry: retry)
                #expect(delay >= .zero)
                #expect(delay <= policy.delayCeiling(retry: retry))
                if delay < policy.delayCeiling(retry: retry) / 4 { sawSmall = true }
                if delay > policy.delayCeiling(retry: retry) * 3 / 4 { sawLarge = true }
            }
        }
        #expect(sawSmall && sawLarge)
    }

    @Test func minimumOneAttemptAndZeroBase() {
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy.none.maxAttempts == 1)
        #expect(RetryPolicy(baseDelay: .zero).delay(retry: 3) == .zero)
    }
}
