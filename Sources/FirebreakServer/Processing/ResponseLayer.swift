import FirebreakAWS
import FirebreakResponse
import Foundation
import Logging

/// Builds the response layer from the configuration: playbooks, planner, store, AWS clients, the step
/// runner, the executor and the store's pruner. Nothing here talks to AWS until an action runs.
public struct ResponseLayer: Sendable {
    public let coordinator: ResponseCoordinator
    public let executor: ActionExecutor
    /// Prunes the store on its own thread (`start()` it with the executor).
    public let pruner: StorePruner
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
        let store: ResponseStore
        do {
            store = try ResponseStore(path: c.storePath, idempotencyWindow: TimeInterval(playbooks.idempotencyWindowSeconds),
                                      maxBytes: c.storeMaxBytes, replaceLost: c.replaceLostStore)
        } catch {
            throw SetupError(description: "cannot open the store: \(error)")
        }
        let resolver = EndpointResolver(environment: environment)
        // Without a region anywhere, fall back to us-east-1: observe mode makes no EC2 call, and alerts
        // name their topic's region in the ARN anyway.
        let region = (try? resolver.region(explicit: c.awsRegion)) ?? "us-east-1"
        let transport = CurlTransport()
        let credentials = RefreshingCredentialProvider(CredentialChain.standard(environment: environment, transport: transport))
        func client(_ service: AWSService, _ region: String) throws(SetupError) -> AWSClient {
            do {
                return try AWSClient(service: service, region: region, credentials: credentials, transport: transport,
                                     resolver: resolver)
            } catch {
                throw SetupError(description: "cannot set up the \(service.id) client: \(error)")
            }
        }
        // SNS publishes in the topic's own region.
        let topicRegion = c.alertTopicArn.flatMap { arn -> String? in
            let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
            return parts.count > 3 && !parts[3].isEmpty ? String(parts[3]) : nil
        } ?? region
        let ec2 = EC2Client(client: try client(.ec2, region))
        let resources = ResourceResolver(ec2: ec2, accountId: c.awsAccountID)
        let runner = StepRunner(ec2: ec2, sns: SNSClient(client: try client(.sns, topicRegion)),
                                cloudTrail: CloudTrailClient(client: try client(.cloudTrail, region)),
                                resolver: resources, alertTopicArn: c.alertTopicArn)
        executor = ActionExecutor(store: store, runner: runner, resolver: resources, playbooks: playbooks, mode: c.mode,
                                  pollInterval: pollInterval)
        // Recent actions count for the idempotency window and the blast radius: their findings are kept that long.
        let pruner = StorePruner(store: store, retention: c.storeRetention,
                                 settle: TimeInterval(max(playbooks.idempotencyWindowSeconds, playbooks.blastRadius.windowSeconds)))
        self.pruner = pruner
        let planner = ResponsePlanner(playbooks: playbooks, mode: c.mode, alertTopicConfigured: c.alertTopicArn != nil)
        coordinator = ResponseCoordinator(store: store, planner: planner, executor: executor, pruner: pruner,
                                          maxSamples: c.findingSamples)
        self.region = region
    }
}
