/// A non-fatal problem: the line or event was skipped and decoding continued.
public struct DecodeIssue: Sendable, Equatable, CustomStringConvertible {
    public var kind: DecodeIssueKind
    public var recordIndex: Int
    /// 1-based line number in a text payload, or the 0-based index into `logEvents` of a
    /// CloudWatch Logs message; nil when the whole record is concerned.
    public var line: Int?
    public var message: String

    public init(kind: DecodeIssueKind, recordIndex: Int, line: Int?, message: String) {
        self.kind = kind
        self.recordIndex = recordIndex
        self.line = line
        self.message = message
    }

    public var description: String {
        "record \(recordIndex)\(line.map { ", line \($0)" } ?? ""): \(kind.rawValue): \(message)"
    }
}
