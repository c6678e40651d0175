import FirebreakAWS
import Foundation
import Synchronization
import Testing
@testable import FirebreakResponse

/// Where an action runs: the service's own runner for its own account (or none said), a runner per member account
/// and region through the factory (built once), and nothing for another account without a role.
@Suite struct AccountRunnersTests {
    static func runner(_ region: String = "us-east-1") -> StepRunner {
        let client = AWSClient(endpoint: URL(string: "http://127.0.0.1:9/")!, region: region, signingName: "ec2",
                               credentials: StaticCredentialProvider(AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s")),
                               transport: CurlTransport())
        return StepRunner(ec2: EC2Client(client: client))
    }

    /// Runners built by the factory, by account (nil: the service's own credentials) and region.
    final class Made: Sendable {
        let calls = Mutex<[String]>([])
        func factory() -> AccountRunners.Factory {
            { account, region throws(AWSError) in
                self.calls.withLock { $0.append("\(account ?? "own")@\(region)") }
                return AccountRunnersTests.runner(region)
            }
        }
    }

    func runner(_ choice: AccountRunners.Choice) -> StepRunner? {
        if case .runner(let runner) = choice { return runner }
        return nil
    }

    @Test func ownAccountAndUnsaidAccountRunAtHome() throws {
        let made = Made()
        let runners = AccountRunners(home: Self.runner(), region: "us-east-1", roleArnPattern: "arn:aws:iam::{account_id}:role/R",
                                     ownAccount: { "123456789012" }, factory: made.factory())
        #expect(runner(try runners.runner(account: "123456789012", region: "us-east-1")) === runners.home)
        #expect(runner(try runners.runner(account: nil, region: nil)) === runners.home)
        #expect(runner(try runners.runner(account: "", region: "")) === runners.home)
        #expect(made.calls.withLock { $0 }.isEmpty)
    }

    @Test func memberAccountsAndOtherRegionsGetTheirOwnRunnerOnce() throws {
        let made = Made()
        let runners = AccountRunners(home: Self.runner(), region: "us-east-1", roleArnPattern: "arn:aws:iam::{account_id}:role/R",
                                     ownAccount: { "123456789012" }, factory: made.factory())
        let member = try #require(runner(try runners.runner(account: "111111111111", region: "us-east-1")))
        #expect(member !== runners.home)
        #expect(runner(try runners.runner(account: "111111111111", region: nil)) === member)
        let west = try #require(runner(try runners.runner(account: "111111111111", region: "us-west-2")))
        #expect(west !== member && west.ec2.client.region == "us-west-2")
        let ownWest = try #require(runner(try runners.runner(account: "123456789012", region: "us-west-2")))
        #expect(ownWest !== runners.home)
        #expect(made.calls.withLock { $0 } == ["111111111111@us-east-1", "111111111111@us-west-2", "own@us-west-2"])
    }

    @Test func anotherAccountWithoutARoleIsOutOfReach() throws {
        let made = Made()
        let runners = AccountRunners(home: Self.runner(), region: "us-east-1", roleArnPattern: nil,
                                     ownAccount: { "123456789012" }, factory: made.factory())
        guard case .unavailable(let reason) = try runners.runner(account: "111111111111", region: nil) else {
            Issue.record("another account ran without a role")
            return
        }
        #expect(reason.contains("111111111111") && reason.contains("123456789012") && reason.contains("aws.assume_role_arn"))
        // Its own account still runs at home; so does every account when the own one cannot be known.
        #expect(runner(try runners.runner(account: "123456789012", region: nil)) === runners.home)
        let unknown = AccountRunners(home: Self.runner(), region: "us-east-1", roleArnPattern: nil, ownAccount: { nil },
                                     factory: made.factory())
        #expect(runner(try unknown.runner(account: "111111111111", region: nil)) === unknown.home)
    }

    @Test func aFactoryErrorIsTheCallersToRetry() {
        let runners = AccountRunners(home: Self.runner(), region: "us-east-1", roleArnPattern: "arn:aws:iam::{account_id}:role/R",
                                     ownAccount: { "123456789012" }) { _, _ throws(AWSError) in
            throw AWSError(.throttled, code: "Throttling", message: "AssumeRole throttled")
        }
        #expect(throws: AWSError.self) { try runners.runner(account: "111111111111", region: nil) }
    }
}
