import FirebreakAWS
import FirebreakDetection
import FirebreakLogs
import FirebreakResponse
import Foundation
import Logging

/// `firebreak replay --respond`: each input (a file, an S3 object) is committed as one delivery through the path
/// `serve` takes (`DetectionProcessor.evaluateAndCommit`): its findings and their planned actions go into the
/// configured store and outbox in one transaction, where the service's executor acts on them, once. The request id
/// is `replay-` and the SHA-256 of the input's bytes, so replaying the same bytes again (from S3 or from a copy)
/// commits nothing new; its findings are still printed.
///
/// The store must already exist: the SQLite file `serve` made (`store.path`, `FIREBREAK_STORE`), or the DynamoDB
/// table (`firebreak store init`). The replay never creates one, since a new store would hold actions no service
/// runs. Nothing here calls AWS but the store: the executor is the service's.
final class ReplayResponder {
    let processor: DetectionProcessor
    let response: ResponseCoordinator
    /// Inputs committed now, and those committed before (same bytes).
    private(set) var committed = 0
    private(set) var alreadyCommitted = 0
    private(set) var newFindings = 0
    private(set) var plannedActions = 0

    init(settings: ServiceConfiguration, engine: DetectionEngine, environment: [String: String]) throws(CommandError) {
        let store: String
        switch settings.storeBackend {
        case .sqlite:
            let path = settings.storePath.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty, path != ":memory:" else {
                throw CommandError(.usage, "--respond commits findings into the service's store, and none is configured: "
                                   + "set store.path (FIREBREAK_STORE) to the SQLite file `firebreak serve` uses, or "
                                   + "store.backend dynamodb with store.dynamodb.table")
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandError(.usage, "--respond commits findings into the service's store, and there is none at "
                                   + "\(path) (store.path): point store.path (FIREBREAK_STORE) at the SQLite file "
                                   + "`firebreak serve` uses; the replay does not create a store no service would act on")
            }
            store = path
        case .dynamodb(let table):
            store = "DynamoDB table \(table)"
        }
        let layer: ResponseLayer
        do {
            layer = try ResponseLayer(configuration: settings, environment: environment)
        } catch {
            throw CommandError(.failure, "--respond: \(error.description)")
        }
        response = layer.coordinator
        do {
            _ = try response.store.hasDelivery("replay-store-check")
        } catch {
            throw CommandError(.failure, "--respond: cannot read the store (\(store)): \(error)")
        }
        // Standard output holds the findings alone: nothing is logged.
        processor = DetectionProcessor(engine: engine, metrics: ServiceMetrics(),
                                       logger: Logger(label: "firebreak-replay") { _ in SwiftLogNoOpLogHandler() },
                                       response: layer.coordinator)
    }

    /// The request id of an input: `replay-` and the hex SHA-256 of its bytes.
    static func requestID(of bytes: [UInt8]) -> String {
        "replay-" + SHA256.hexDigest(bytes)
    }

    /// Commits one decoded input as a delivery and returns its findings; an input committed before is evaluated
    /// without being committed again (nil `summary`).
    func commit(_ result: RecordDecodeResult, bytes: [UInt8], name: String, receivedMillis: Int64)
        throws(CommandError) -> [FindingAggregate] {
        let id = Self.requestID(of: bytes)
        let batch = DecodedBatch(requestID: id, timestampMillis: receivedMillis, sourceArn: nil, commonAttributes: [:],
                                 recordCount: 1, bodyBytes: bytes.count, decompressedBytes: result.decompressedBytes,
                                 events: result.events, issues: result.issues, controlMessages: result.controlMessages,
                                 receivedAt: ContinuousClock.now)
        let known: Bool
        do {
            known = try response.isKnown(id)
        } catch {
            throw CommandError(.failure, "\(name): --respond: \(error.reason)")
        }
        if !known {
            let outcome: (summary: CommitSummary, findings: [FindingAggregate])?
            do {
                outcome = try processor.evaluateAndCommit(batch, receivedMillis: receivedMillis, response: response)
            } catch let retry as BatchRetryLater {
                throw CommandError(.failure, "\(name): --respond: \(retry.reason)")
            } catch {
                throw CommandError(.failure, "\(name): --respond: \(error)")
            }
            if let outcome {
                committed += 1
                newFindings += outcome.summary.insertedFindingIDs.count
                plannedActions += outcome.summary.insertedActions.count
                return outcome.findings
            }
        }
        alreadyCommitted += 1
        return FindingAggregate.merge(processor.engine.evaluate(result.events, receivedMillis: receivedMillis), maxSamples: 1)
    }

    /// For the summary: `committed 3 inputs (5 new findings, 7 actions planned), 1 committed before`.
    var summary: String {
        "committed \(committed) \(committed == 1 ? "input" : "inputs") (\(newFindings) new "
            + "\(newFindings == 1 ? "finding" : "findings"), \(plannedActions) \(plannedActions == 1 ? "action" : "actions") "
            + "planned), \(alreadyCommitted) committed before"
    }
}
