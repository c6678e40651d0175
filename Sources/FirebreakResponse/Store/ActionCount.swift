/// How many actions of one step are in one state (for `/metrics`).
public struct ActionCount: Sendable, Hashable {
    public var step: StepKind
    public var state: ActionState
    public var count: Int

    public init(step: StepKind, state: ActionState, count: Int) {
        self.step = step
        self.state = state
        self.count = count
    }
}
