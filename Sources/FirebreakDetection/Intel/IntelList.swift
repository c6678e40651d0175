import FirebreakLogs

/// A named threat-intel address list (known bad IPs, a FireHOL netset, Spamhaus DROP, IPsum), loaded
/// once into an `IPSet` for one-binary-search lookups.
public struct IntelList: Sendable {
    /// The placeholder name rules use (`%known_bad_ips%`).
    public let name: String
    public let addresses: IPSet
    public let statistics: Statistics

    public init(name: String, addresses: IPSet, statistics: Statistics) {
        self.name = name
        self.addresses = addresses
        self.statistics = statistics
    }

    public func contains(_ address: IPAddress) -> Bool { addresses.contains(address) }

    /// What loading a list found.
    public struct Statistics: Sendable, Equatable {
        /// The file (or other source) read.
        public var source: String
        /// Lines read, comments and blanks included.
        public var lines: Int = 0
        /// Addresses and networks kept.
        public var entries: Int = 0
        /// Ranges after merging adjacent and overlapping entries (`IPSet.rangeCount`).
        public var ranges: Int = 0
        /// IPsum lines left out because their count was below the minimum.
        public var belowMinimum: Int = 0
        /// Lines that were neither an entry nor a comment; skipped.
        public var badLines: Int = 0
        /// The first few bad lines (`IntelListLoader.maxReportedBadLines`), with their line numbers.
        public var firstBadLines: [BadLine] = []
        /// Time spent reading and parsing, in milliseconds.
        public var milliseconds: Double = 0

        public init(source: String) {
            self.source = source
        }
    }

    /// A line that is neither an entry nor a comment.
    public struct BadLine: Sendable, Equatable, CustomStringConvertible {
        public var source: String
        /// 1-based.
        public var line: Int
        /// The line, cut to 100 characters.
        public var text: String
        public var reason: String

        public var description: String { "\(source):\(line): \(reason): '\(text)'" }
    }
}
