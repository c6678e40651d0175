/// The blast-radius limit: at most `maxDestructive` destructive steps per `windowSeconds`.
public struct BlastRadius: Sendable, Hashable {
    public var maxDestructive: Int
    public var windowSeconds: Int

    public init(maxDestructive: Int = 5, windowSeconds: Int = 600) {
        self.maxDestructive = maxDestructive
        self.windowSeconds = windowSeconds
    }
}
