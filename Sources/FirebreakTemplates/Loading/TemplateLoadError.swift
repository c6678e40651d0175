/// Why a file could not be loaded as a CloudFormation template: where (1-based line and column; 0 when
/// unknown) and what.
public struct TemplateLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `path:line:col: message`.
    public var description: String { "\(path):\(line):\(column): \(message)" }
}
