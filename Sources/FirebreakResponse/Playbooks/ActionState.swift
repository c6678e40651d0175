/// Where an action is in its life.
public enum ActionState: String, Sendable, Hashable, CaseIterable {
    case pending, running, done, failed, skipped, held
}
