/// The bytes flow-log lines are read from, with the format they were parsed with: every record of one buffer shares
/// it through a single reference, so a record copied while rules are evaluated retains one object instead of two.
final class FlowLineSource: Sendable {
    let storage: ByteStorage
    let format: FlowLogFormat

    init(storage: ByteStorage, format: FlowLogFormat) {
        self.storage = storage
        self.format = format
    }

    /// Whether this source reads `storage` with `format` (the same objects), so it can serve another line of them.
    @inline(__always)
    func reads(_ storage: ByteStorage, with format: FlowLogFormat) -> Bool {
        self.storage === storage && self.format.layout === format.layout
    }
}
