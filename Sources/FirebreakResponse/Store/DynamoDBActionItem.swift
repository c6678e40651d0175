import FirebreakAWS
import Foundation

/// An outbox action as an item of the shared state table (issue 15), and back.
///
/// The action lives in its finding's partition, `pk = finding#<finding id>`, `sk = action#<playbook>#<sequence>#<id>`,
/// so that one Query reads a finding with every action of its plans in plan order. A pointer item `pk = action#<id>`,
/// `sk = -` names that key for the calls that know only the action id. Every change is an optimistic update on
/// `version` (read, then write on condition that nobody wrote in between), so the state a change starts from is known
/// exactly: what the per-state counters need.
struct DynamoDBActionItem: Sendable {
    var record: ActionRecord
    /// Bumped by every change; a change is conditioned on the value it read.
    var version: Int64
    /// Until when a `running` action is its claimer's (ms); 0 when not running.
    var leaseUntilMillis: Int64
    /// The task that claimed it last.
    var owner: String?
    /// Whether a summary alert is still to be planned for it (`alert: {summary: true}`).
    var wantsSummary: Bool
    /// When the table's TTL may delete it (epoch seconds): set once it is final.
    var expiresAt: Int64?

    static let table = "actions"

    /// The key of an action: in its finding's partition, sorted by playbook and sequence.
    static func key(findingID: String, playbook: String, sequence: Int, id: String) -> DynamoDBItem {
        ["pk": .string("finding#" + findingID), "sk": .string(sortKey(playbook: playbook, sequence: sequence, id: id))]
    }

    static func sortKey(playbook: String, sequence: Int, id: String) -> String {
        let digits = String(max(0, sequence))
        return "action#\(playbook)#\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)#\(id)"
    }

    /// The pointer item of an action id.
    static func pointerKey(_ id: String) -> DynamoDBItem {
        ["pk": .string("action#" + id), "sk": .string("-")]
    }

    var key: DynamoDBItem {
        Self.key(findingID: record.findingID, playbook: record.playbook, sequence: record.sequence, id: record.id)
    }

    /// A new action as planned: version 1, no attempt yet.
    static func new(_ action: PlannedAction, now: Date) -> DynamoDBActionItem {
        DynamoDBActionItem(record: ActionRecord(action: action, attempts: 0, lastError: nil, awsRequestIDs: [],
                                                createdAt: now, updatedAt: now, notBefore: Date(storeMillis: 0)),
                           version: 1, leaseUntilMillis: 0, owner: nil, wantsSummary: action.wantsSummary)
    }

    /// The whole item.
    var item: DynamoDBItem {
        let action = record.action
        var item = key
        item["id"] = .string(action.id)
        item["finding_id"] = .string(action.findingID)
        item["rule_id"] = .string(action.ruleID)
        item["playbook"] = .string(action.playbook)
        item["sequence"] = .integer(action.sequence)
        item["step"] = .string(action.step.kind.rawValue)
        item["options_json"] = .string(StoreJSON.encode(action.step.options))
        item["resource_type"] = .string(action.resourceType)
        item["resource_id"] = .string(action.resourceID)
        item["idempotency_key"] = .string(action.idempotencyKey)
        item["state"] = .string(action.state.rawValue)
        if let reason = action.reason { item["reason"] = .string(reason) }
        item["payload"] = .string(action.payload)
        item["attempts"] = .integer(record.attempts)
        if let error = record.lastError { item["last_error"] = .string(error) }
        item["aws_request_ids"] = .list(record.awsRequestIDs.map(DynamoDBValue.string))
        item["created_ids"] = .list(record.createdIDs.map(DynamoDBValue.string))
        item["created_ms"] = .integer(record.createdAt.storeMillis)
        item["updated_ms"] = .integer(record.updatedAt.storeMillis)
        item["not_before_ms"] = .integer(record.notBefore.storeMillis)
        item["lease_until_ms"] = .integer(leaseUntilMillis)
        if let owner { item["owner"] = .string(owner) }
        item["wants_summary"] = .bool(wantsSummary)
        item["version"] = .integer(version)
        if let expiresAt { item["expires_at"] = .integer(expiresAt) }
        return item
    }

    /// Reads an action item; `corruptRow` names what is missing or unknown.
    init(item: DynamoDBItem, table: String) throws(StoreError) {
        let id = item["id"]?.stringValue ?? item["sk"]?.stringValue ?? "?"
        func text(_ name: String) throws(StoreError) -> String {
            guard let value = item[name]?.stringValue else { throw .corruptRow(table: table, id: id, reason: "no string \(name)") }
            return value
        }
        func number(_ name: String) throws(StoreError) -> Int64 {
            guard let value = item[name]?.int64Value else { throw .corruptRow(table: table, id: id, reason: "no integer \(name)") }
            return value
        }
        func list(_ name: String) -> [String] { (item[name]?.listValue ?? []).compactMap(\.stringValue) }
        let stepText = try text("step")
        guard let kind = StepKind(rawValue: stepText) else {
            throw .corruptRow(table: table, id: id, reason: "unknown step \(stepText)")
        }
        let stateText = try text("state")
        guard let state = ActionState(rawValue: stateText) else {
            throw .corruptRow(table: table, id: id, reason: "unknown state \(stateText)")
        }
        let options = try StoreJSON.decodeOptions(try text("options_json"), column: "options_json", actionID: id)
        let action = PlannedAction(
            id: try text("id"), findingID: try text("finding_id"), ruleID: try text("rule_id"), playbook: try text("playbook"),
            sequence: Int(clamping: try number("sequence")), step: PlaybookStep(kind, options: options),
            resourceType: try text("resource_type"), resourceID: try text("resource_id"),
            idempotencyKey: try text("idempotency_key"), state: state, reason: item["reason"]?.stringValue,
            payload: try text("payload"))
        record = ActionRecord(action: action, attempts: Int(clamping: try number("attempts")),
                              lastError: item["last_error"]?.stringValue, awsRequestIDs: list("aws_request_ids"),
                              createdAt: Date(storeMillis: try number("created_ms")),
                              updatedAt: Date(storeMillis: try number("updated_ms")),
                              notBefore: Date(storeMillis: try number("not_before_ms")), createdIDs: list("created_ids"))
        version = try number("version")
        leaseUntilMillis = item["lease_until_ms"]?.int64Value ?? 0
        owner = item["owner"]?.stringValue
        wantsSummary = item["wants_summary"]?.boolValue ?? false
        expiresAt = item["expires_at"]?.int64Value
    }

    init(record: ActionRecord, version: Int64, leaseUntilMillis: Int64, owner: String?, wantsSummary: Bool,
         expiresAt: Int64? = nil) {
        self.expiresAt = expiresAt
        self.record = record
        self.version = version
        self.leaseUntilMillis = leaseUntilMillis
        self.owner = owner
        self.wantsSummary = wantsSummary
    }

    /// The condition of writing the item back: nobody changed it since `old` was read (`version`).
    static func unchanged(since old: DynamoDBActionItem) -> DynamoDBExpression {
        DynamoDBExpression("version = :readVersion", values: [":readVersion": .integer(old.version)])
    }
}
