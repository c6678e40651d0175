import FirebreakAWS
import FirebreakResponse
import Foundation
import Logging

/// Builds the response layer from the configuration: playbooks, planner, store, AWS clients, the step
/// runner, the executor and the store's pruner. Nothing here talks to AWS until an action runs.
public struct ResponseLayer: Sendable {
    public let coordinator: ResponseCoordinator
    public let executor: ActionExecutor
    /// Prunes the SQLite store on its own thread (`start()` it with the executor); nil for a DynamoDB table.
    public let pruner: StorePruner?
    public let region: String

    /// Why the response layer could not be built.
    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(configuration c: ServiceConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
                pollInterval: Duration = .milliseconds(500)) throws(SetupError) {
        let playbooks: PlaybookSet
        do {
            playbooks = try PlaybookSet.load(path: c.playbooksPath)
        } catch {
            throw SetupError(description: "cannot load the playbooks: \(error)")
        }
        let aws = AWSClientFactory(configuration: c, environment: environment)
        let region = aws.region
        let (store, file, correlations) = try StateStoreSetup.open(c, idempotencyWindow: TimeInterval(playbooks.idempotencyWindowSeconds),
                                                     aws: aws)
        // SNS publishes in the topic's own region.
        let topicRegion = c.alertTopicArn.flatMap { arn -> String? in
            let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
            return parts.count > 3 && !parts[3].isEmpty ? String(parts[3]) : nil
        } ?? region
        let ec2 = EC2Client(client: try aws.client(.ec2))
        let resources = ResourceResolver(ec2: ec2, accountId: c.awsAccountID)
        let securityHub = c.exportSecurityHub ? SecurityHubClient(client: try aws.client(.securityHub)) : nil
        let runner = StepRunner(ec2: ec2, sns: SNSClient(client: try aws.client(.sns, region: topicRegion)),
                                cloudTrail: CloudTrailClient(client: try aws.client(.cloudTrail)),
                                resolver: resources, alertTopicArn: c.alertTopicArn, securityHub: securityHub,
                                eventBridge: EventBridgeClient(client: try aws.client(.eventBridge)))
        let sts = STSClient(client: try aws.client(.sts))
        let ownAccount = OwnAccount(configured: c.awsAccountID, sts: sts)
        let members: AccountCredentials?
        do {
            members = try c.awsAssumeRoleArn.map { pattern throws(AWSError) in
                try AccountCredentials(roleArnPattern: pattern, externalID: c.awsExternalID, sts: sts)
            }
        } catch {
            throw SetupError(description: "aws.assume_role_arn: \(error.message)")
        }
        let runners = AccountRunners(home: runner, region: region, roleArnPattern: c.awsAssumeRoleArn,
                                     ownAccount: { ownAccount.id() }) { account, region throws(AWSError) in
            // Another region of the service's own account, or a member account through its role.
            let credentials: (any CredentialProvider)? = try account.map { account throws(AWSError) in
                guard let members else {
                    throw AWSError(.credentials, message: "no aws.assume_role_arn to act in account \(account)")
                }
                return try members.provider(forAccount: account)
            }
            do throws(SetupError) {
                let ec2 = EC2Client(client: try aws.client(.ec2, region: region, credentials: credentials))
                return StepRunner(ec2: ec2, cloudTrail: CloudTrailClient(client: try aws.client(.cloudTrail, region: region,
                                                                                                credentials: credentials)),
                                  resolver: ResourceResolver(ec2: ec2, accountId: account ?? c.awsAccountID),
                                  securityHub: c.exportSecurityHub
                                      ? SecurityHubClient(client: try aws.client(.securityHub, region: region,
                                                                                 credentials: credentials)) : nil)
            } catch {
                throw AWSError(.invalidParameter, message: error.description)
            }
        }
        // On a shared table an idle poll is four queries, from every task: every 2 s (a task's own commits wake its
        // executor at once; another task's plans wait for the next poll).
        let poll = file == nil ? max(pollInterval, .seconds(2)) : pollInterval
        executor = ActionExecutor(store: store, runners: runners, playbooks: playbooks, mode: c.mode,
                                  pollInterval: poll, lease: c.executorLease)
        // Recent actions count for the idempotency window and the blast radius: their findings are kept that long.
        // A table has no pruner: its items carry their expiry (TTL).
        let pruner = file.map {
            StorePruner(store: $0, retention: c.storeRetention,
                        settle: TimeInterval(max(playbooks.idempotencyWindowSeconds, playbooks.blastRadius.windowSeconds)))
        }
        self.pruner = pruner
        let planner = ResponsePlanner(playbooks: playbooks, mode: c.mode, alertTopicConfigured: c.alertTopicArn != nil,
                                      export: ExportPolicy(minLevel: c.exportMinLevel, securityHub: c.exportSecurityHub))
        coordinator = ResponseCoordinator(store: store, planner: planner, executor: executor, pruner: pruner,
                                          maxSamples: c.findingSamples, correlationState: correlations)
        self.region = region
    }
}
