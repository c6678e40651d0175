/// One input of `firebreak replay`: its name (for messages) and how to read its bytes, called when the replay reaches
/// it (so a long list of files is not held in memory at once).
public struct ReplayInput: Sendable {
    public let name: String
    /// The file's bytes; nil when it cannot be read.
    public let read: @Sendable () -> [UInt8]?

    public init(name: String, read: @escaping @Sendable () -> [UInt8]?) {
        self.name = name
        self.read = read
    }

    /// A file on disk, or standard input for `-`.
    public init(path: String) {
        self.init(name: path) { InputFile.read(path) }
    }

    /// Bytes already in memory (tests, the benchmark).
    public init(name: String, bytes: [UInt8]) {
        self.init(name: name) { bytes }
    }
}
