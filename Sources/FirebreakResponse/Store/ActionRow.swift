import Foundation

/// How an `actions` row maps to an `ActionRecord`: the column list every action query selects, and
/// the reader for it.
enum ActionRow {
    static let columns = """
        id, finding_id, rule_id, playbook, sequence, step, options_json, resource_type, resource_id, \
        idempotency_key, state, reason, payload, attempts, last_error, aws_request_ids, created_at, \
        updated_at, not_before, created_ids
        """

    static func read(_ row: SQLiteRow) throws(StoreError) -> ActionRecord {
        let id = row.text(0)
        let stepText = row.text(5)
        guard let kind = StepKind(rawValue: stepText) else {
            throw .corruptRow(table: "actions", id: id, reason: "unknown step \(stepText)")
        }
        let stateText = row.text(10)
        guard let state = ActionState(rawValue: stateText) else {
            throw .corruptRow(table: "actions", id: id, reason: "unknown state \(stateText)")
        }
        let options = try StoreJSON.decodeOptions(row.text(6), column: "options_json", actionID: id)
        let action = PlannedAction(
            id: id, findingID: row.text(1), ruleID: row.text(2), playbook: row.text(3), sequence: row.int(4),
            step: PlaybookStep(kind, options: options), resourceType: row.text(7), resourceID: row.text(8),
            idempotencyKey: row.text(9), state: state, reason: row.optionalText(11), payload: row.text(12))
        return ActionRecord(
            action: action, attempts: row.int(13), lastError: row.optionalText(14),
            awsRequestIDs: try StoreJSON.decodeList(row.text(15), column: "aws_request_ids", actionID: id),
            createdAt: Date(storeMillis: row.int64(16)), updatedAt: Date(storeMillis: row.int64(17)),
            notBefore: Date(storeMillis: row.int64(18)),
            createdIDs: try StoreJSON.decodeList(row.text(19), column: "created_ids", actionID: id))
    }

    /// The actions with these ids, in the order of `ids`.
    static func fetch(_ ids: [String], in db: SQLiteConnection) throws(StoreError) -> [ActionRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try db.query("SELECT \(columns) FROM actions WHERE id IN (\(SQLiteValue.placeholders(ids.count)))",
                                ids.map(SQLiteValue.text), operation: "read actions", row: read)
        let byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }
}
