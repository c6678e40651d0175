import Foundation

/// The JSON an action stores as its payload: the step's own payload (`ResponseStep.Payload`) with, for a fallback
/// action planned to run only when no other playbook claims the resource, `unlessClaimedBy`, and the account and
/// region of the finding (`account`, `region`: where the step acts, `AccountRunners`). Written by the
/// planner with `JSONEncoder`, read by the runner with `JSONDecoder`; unknown keys are ignored, so payloads stored
/// by earlier versions still decode.
struct ActionPayload<Step: Codable & Sendable>: Codable, Sendable {
    var step: Step
    var unlessClaimedBy: [String]?
    var place: ActionPlace

    private enum Keys: String, CodingKey { case unlessClaimedBy, account, region }

    init(step: Step, unlessClaimedBy: [String]?, place: ActionPlace = ActionPlace()) {
        self.step = step
        self.unlessClaimedBy = unlessClaimedBy
        self.place = place
    }

    init(from decoder: any Decoder) throws {
        step = try Step(from: decoder)
        let container = try decoder.container(keyedBy: Keys.self)
        unlessClaimedBy = try container.decodeIfPresent([String].self, forKey: .unlessClaimedBy)
        place = ActionPlace(account: try container.decodeIfPresent(String.self, forKey: .account),
                            region: try container.decodeIfPresent(String.self, forKey: .region))
    }

    func encode(to encoder: any Encoder) throws {
        try step.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(unlessClaimedBy, forKey: .unlessClaimedBy)
        try container.encodeIfPresent(place.account, forKey: .account)
        try container.encodeIfPresent(place.region, forKey: .region)
    }

    /// Compact JSON with sorted keys.
    var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// A step with nothing to carry beyond its resource.
struct NoPayload: Codable, Sendable, Hashable {}

extension PlannedAction {
    /// The claiming playbooks named by a conditional fallback action (empty for every other action).
    public var unlessClaimedBy: [String] {
        guard payload.contains("unlessClaimedBy") else { return [] }
        return (try? decodePayload(ActionPayload<NoPayload>.self))?.unlessClaimedBy ?? []
    }

    /// The account and region of the action's finding, as planned (empty for actions planned before they were stored:
    /// those run in the service's own account and region).
    public var place: ActionPlace {
        guard payload.contains("\"account\"") || payload.contains("\"region\"") else { return ActionPlace() }
        return (try? decodePayload(ActionPayload<NoPayload>.self))?.place ?? ActionPlace()
    }

    /// True for an alert that asks for a summary when its finding's window closes (`alert: {summary: true}`).
    var wantsSummary: Bool { AlertStep.wantsSummary(step) }
}
