/// Picks a flow-log format for CloudWatch Logs events by log group name prefix.
public struct FlowLogFormatRule: Sendable, Hashable {
    public var logGroupPrefix: String
    public var format: FlowLogFormat

    public init(logGroupPrefix: String, format: FlowLogFormat) {
        self.logGroupPrefix = logGroupPrefix
        self.format = format
    }
}
