import FirebreakAWS
import Foundation

/// The blast radius across every task: a destructive step takes a place in its window before it runs.
///
/// Windows are fixed (`blast#<window start ms>`, one item each, with `n` and `holders`, the action ids holding a
/// place). A step reserves in the current window on condition that the current and the previous window together
/// hold fewer than the limit — `ADD n :one, holders :id` with `(attribute_not_exists(n) OR n < :room) AND NOT
/// contains(holders, :id)`, where `:room` is the limit less the previous window's `n` — so that any stretch of one
/// window's length, which spans at most two fixed windows, holds at most the limit. A step that does not run gives
/// its place back; a done step keeps it. Any error fails closed: the step does not run.
extension DynamoDBStateStore {
    public func reserveDestructive(actionID: String, limit: Int, window: TimeInterval, now: Date) throws(StoreError) -> Int? {
        let windowMillis = max(1000, Int64(min(window, 1e9) * 1000))
        let current = now.storeMillis / windowMillis * windowMillis
        let previous = try read(Self.blastKey(current - windowMillis), operation: "read the previous blast-radius window")
        if previous?["holders"]?.stringSetValue?.contains(actionID) == true { return nil }
        let before = Int(clamping: previous?["n"]?.int64Value ?? 0)
        let room = limit - before
        guard room > 0 else { return before }
        let update = DynamoDBExpression(
            "ADD n :one, holders :ids SET expires_at = :expires",
            values: [":one": .integer(1), ":ids": .stringSet([actionID]),
                     ":expires": .integer(Self.seconds(Date(storeMillis: current + 3 * windowMillis)))])
        let condition = DynamoDBExpression(
            "(attribute_not_exists(n) OR n < :room) AND (attribute_not_exists(holders) OR NOT contains(holders, :id))",
            values: [":room": .integer(room), ":id": .string(actionID)])
        do {
            try dynamo.updateItem(table: table, key: Self.blastKey(current), update: update, condition: condition, returnOld: true)
            return nil
        } catch .conditionalCheckFailed(let old) {
            if old?["holders"]?.stringSetValue?.contains(actionID) == true { return nil }
            return before + Int(clamping: old?["n"]?.int64Value ?? 0)
        } catch {
            throw failure("reserve a destructive step for action \(actionID)", error)
        }
    }

    public func releaseDestructive(actionID: String, window: TimeInterval, now: Date) throws(StoreError) {
        let windowMillis = max(1000, Int64(min(window, 1e9) * 1000))
        let current = now.storeMillis / windowMillis * windowMillis
        for start in [current, current - windowMillis] {
            let update = DynamoDBExpression("ADD n :minusOne DELETE holders :ids",
                                            values: [":minusOne": .integer(-1), ":ids": .stringSet([actionID])])
            do {
                try dynamo.updateItem(table: table, key: Self.blastKey(start), update: update,
                                      condition: DynamoDBExpression("contains(holders, :id)", values: [":id": .string(actionID)]))
            } catch .conditionalCheckFailed {
                continue
            } catch {
                throw failure("give back the destructive step of action \(actionID)", error)
            }
        }
    }

    static func blastKey(_ windowStart: Int64) -> DynamoDBItem {
        ["pk": .string("blast#\(windowStart)"), "sk": .string("-")]
    }
}
