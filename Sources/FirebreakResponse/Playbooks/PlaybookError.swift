/// A problem in `config/playbooks.yaml`, naming the file, the playbook (when inside one) and the line.
public struct PlaybookError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var playbook: String?
    public var line: Int?
    public var message: String

    public init(source: String, playbook: String? = nil, line: Int? = nil, message: String) {
        self.source = source
        self.playbook = playbook
        self.line = line
        self.message = message
    }

    public var description: String {
        var text = source
        if let line { text += ":\(line)" }
        if let playbook { text += ": playbook '\(playbook)'" }
        return text + ": " + message
    }
}
