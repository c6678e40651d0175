/// What the fault proxy cuts: the `occurrence`-th request for `action` after the rule is armed (1: the next).
/// That request is forwarded and its whole answer read (so the upstream has carried the call out); then
/// `onCut` runs on the proxy's connection thread, and the client's connection is closed without the answer.
/// A rule fires once, then the proxy is disarmed.
public struct FaultRule: Sendable {
    /// An AWS operation name (`TerminateInstances`, `Publish`); for JSON protocols the operation of
    /// `X-Amz-Target` or the whole target (`AmazonSQS.SendMessage`).
    public var action: String
    public var occurrence: Int
    /// Runs before the client's connection is closed (e.g. `ProcessKiller.kill(pid)` the client).
    public var onCut: @Sendable (FaultExchange) -> Void

    public init(action: String, occurrence: Int = 1, onCut: @escaping @Sendable (FaultExchange) -> Void = { _ in }) {
        precondition(occurrence >= 1, "occurrences count from 1")
        self.action = action
        self.occurrence = occurrence
        self.onCut = onCut
    }

    /// Whether a request naming `action` (or with JSON `target`) is one this rule is about.
    func matches(action requestAction: String?, target: String?) -> Bool {
        requestAction == action || (target != nil && target == action)
    }
}
