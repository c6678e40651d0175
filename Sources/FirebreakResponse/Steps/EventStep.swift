import FirebreakAWS
import FirebreakDetection
import FirebreakLogs
import Foundation

/// `event: {bus: NAME}`: the finding as an OCSF Detection Finding (`OCSFFinding`) put on an EventBridge bus of the
/// service's own account (a name or an ARN), so that other automation can react: `source` `firebreak`, `detail-type`
/// `Firebreak Finding`; a detail above the entry limit goes without the matched event. Sent in every mode (it changes nothing
/// in the account). EventBridge keeps no deduplication id: a repeat after a crash arrives twice, with the same
/// `detail.metadata.uid` (the action id) by which a consumer drops it.
enum EventStep: ResponseStep {
    typealias Payload = EventPayload

    static let kind = StepKind.event
    static let allowedOptions: Set<String> = ["bus"]
    static let requiredOptions: Set<String> = ["bus"]
    static let source = "firebreak"
    static let detailType = "Firebreak Finding"

    static func problem(option: String, value: String) -> String? {
        guard option == "bus" else { return nil }
        // An event bus name ([/.\-_A-Za-z0-9]+, up to 256) or its ARN (up to 1600).
        let name = value.hasPrefix("arn:") ? String(value.split(separator: "/").last ?? "") : value
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || "/.-_".utf8.contains(byte)
        }
        guard !name.isEmpty, allowed, value.utf8.count <= 1600, name.utf8.count <= 256 else {
            return "bus is an EventBridge event bus name (letters, digits, '.', '-', '_', '/') or its ARN, not '\(value)'"
        }
        return nil
    }

    static func target(of finding: Finding) -> StepTarget { StepTarget(finding) }

    /// One event per finding and bus (two playbooks naming two buses send one to each: `keyOption`).
    static func idempotencyKey(_ target: StepTarget, finding: Finding) -> String { "event|" + finding.id }

    static func keyOption(_ step: PlaybookStep) -> String? { step.options["bus"] }

    static func payload(_ plan: StepPlan) -> Payload { EventPayload(bus: plan.step.options["bus"] ?? "default") }

    static func run(_ action: PlannedAction, _ payload: Payload, _ run: inout StepRun) throws(AWSError) -> StepOutcome {
        guard let eventBridge = run.runner.eventBridge else { return .skipped("no EventBridge client configured") }
        guard let finding = run.context.finding else {
            return .skipped("finding \(action.findingID) is no longer in the store")
        }
        // The action id as the event's own id (`metadata.uid`): the same on a repeat, so that a consumer can drop it.
        var object = JSONObject()
        for (key, value) in OCSFFinding().render(finding).objectValue ?? JSONObject() {
            guard key == "metadata", var metadata = value.objectValue else { object.append(key, value); continue }
            metadata.append("uid", .string(action.id))
            object.append(key, .object(metadata))
        }
        var detail = JSONValue.object(object).serialized()
        if detail.utf8.count > EventBridgeClient.maxEntryBytes - 4096 {
            // The matched event (`unmapped.event`) is what makes a finding large: the event goes without it.
            var smaller = JSONObject()
            for (key, value) in object where key != "unmapped" { smaller.append(key, value) }
            detail = JSONValue.object(smaller).serialized()
        }
        let entry = EventBridgeEntry(source: source, detailType: detailType, detail: detail, eventBusName: payload.bus,
                                     resources: [])
        let result = try eventBridge.putEvents([entry])
        guard let answer = result.entries.first else {
            throw AWSError(.server, code: "MalformedResponse", message: "PutEvents answered without an entry result")
        }
        guard answer.succeeded, let id = answer.eventID else {
            let code = answer.errorCode ?? "Unknown"
            let retryable = code.contains("Throttl") || code.contains("Internal") || code.contains("ServiceUnavailable")
            throw AWSError(retryable ? .throttled : .invalidParameter, code: code,
                           message: "PutEvents refused the finding's event on bus \(payload.bus): \(answer.errorMessage ?? code)")
        }
        return .done("put on event bus \(payload.bus) as event \(id)", createdIDs: [id])
    }
}

/// What an `event` step stores: the bus.
struct EventPayload: Codable, Sendable, Hashable {
    var bus: String
}
