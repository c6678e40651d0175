extension CheckReport {
    /// A template that could not be loaded (unreadable, not JSON/YAML, not a template).
    public struct LoadError: Sendable, Hashable {
        public var path: String
        public var message: String
        /// 1-based position of the problem, when the parser knows it.
        public var line: Int?
        public var column: Int?

        public init(path: String, message: String, line: Int? = nil, column: Int? = nil) {
            self.path = path
            self.message = message
            self.line = line
            self.column = column
        }

        /// `path`, `path:line` or `path:line:column`.
        public var location: String {
            guard let line, line > 0 else { return path }
            guard let column, column > 0 else { return "\(path):\(line)" }
            return "\(path):\(line):\(column)"
        }
    }
}
