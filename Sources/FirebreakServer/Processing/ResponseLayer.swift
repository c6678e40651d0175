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
        let runner = StepRunner(ec2: ec2, sns: SNSClient(client: try aws.client(.sns, region: topicRegion)),
                                cloudTrail: CloudTrailClient(client: try aws.client(.cloudTrail)),
                                resolver: resources, alertTopicArn: c.alertTopicArn)
        // On a shared table an idle poll is four queries, from every task: every 2 s (a task's own commits wake its
        // executor at once; another task's plans wait for the next poll).
        let poll = file == nil ? max(pollInterval, .seconds(2)) : pollInterval
        executor = ActionExecutor(store: store, runner: runner, resolver: resources, playbooks: playbooks, mode: c.mode,
                                  pollInterval: poll, lease: c.executorLease)
        // Recent actions count for the idempotency window and the blast radius: their findings are kept that long.
        // A table has no pruner: its items carry their expiry (TTL).
        let pruner = file.map {
            StorePruner(store: $0, retention: c.storeRetention,
                        settle: TimeInterval(max(playbooks.idempotencyWindowSeconds, playbooks.blastRadius.windowSeconds)))
        }
        self.pruner = pruner
        let planner = ResponsePlanner(playbooks: playbooks, mode: c.mode, alertTopicConfigured: c.alertTopicArn != nil)
        coordinator = ResponseCoordinator(store: store, planner: planner, executor: executor, pruner: pruner,
                                          maxSamples: c.findingSamples, correlationState: correlations)
        self.region = region
    }
}
