import FirebreakTime
import Foundation

/// `alert: {summary: true}`: when a finding's dedup window has closed with more than one match, one more alert says
/// how many there were, from when to when. Planned into the outbox like any action (id: the alert's id + `-summary`,
/// after the plan's other steps), so it is sent once, by the executor, with the alert's topic; run from the
/// executor's loop (`ActionExecutor`), at most once per `interval`.
public struct SummaryAlerts: Sendable {
    /// Matches that arrive this long after a window's end still count before its summary is planned.
    public static let grace: TimeInterval = 300

    /// Plans the summaries that are due at `now`; returns how many were planned.
    public static func plan(in store: any StateStore, now: Date) throws(StoreError) -> Int {
        let due = try store.dueSummaries(windowEndedBefore: now.addingTimeInterval(-grace), limit: 100)
        var actions: [PlannedAction] = []
        for (finding, alert) in due {
            var payload = (try? alert.action.decodePayload(ActionPayload<AlertPayload>.self))?.step ?? AlertPayload()
            let first = UTCTime(clampingMillis: finding.firstSeenMillis).iso8601
            let last = UTCTime(clampingMillis: finding.lastSeenMillis).iso8601
            payload.subject = String("Firebreak summary: \(finding.count) matches of \(finding.title) on \(finding.resourceID)".prefix(100))
            payload.message = """
                \(finding.title) (\(finding.level)) matched \(finding.count) times on \(finding.resourceType) \(finding.resourceID) \
                between \(first) and \(last). The first match was alerted at \
                once; the others were counted on finding \(finding.id).
                """
            payload.summary = nil
            var summary = alert.action
            summary.step.options["summary"] = nil   // a summary asks for no summary of its own
            summary.id = alert.action.id + "-summary"
            summary.idempotencyKey = "alert-summary|" + finding.id
            summary.sequence = alert.action.sequence + 1_000
            summary.state = .pending
            summary.reason = nil
            summary.payload = ActionPayload(step: payload, unlessClaimedBy: nil).jsonText
            actions.append(summary)
        }
        return try store.addSummaries(actions, for: due.map(\.alert.action.id), now: now)
    }
}
