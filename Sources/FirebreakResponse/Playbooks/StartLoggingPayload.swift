/// `start-logging`: `{"trail": "name or ARN"}`; when left out, the action's resource id is the trail.
public struct StartLoggingPayload: Codable, Sendable, Hashable {
    public var trail: String?

    public init(trail: String?) {
        self.trail = trail
    }
}
