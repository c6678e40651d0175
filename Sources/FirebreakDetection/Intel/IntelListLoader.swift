import Foundation
import FirebreakLogs

/// Reads intel list files into `IntelList`s, straight from the file's bytes.
///
/// **Bad lines are skipped, not fatal.** A threat feed is fetched from third parties and a stray line
/// (a truncated download, an HTML banner, a typo) should not cost the other 100,000 entries: bad lines
/// are counted in `IntelList.Statistics.badLines`, the first `maxReportedBadLines` are kept with their
/// line numbers for a warning, and loading goes on. A file with no valid entry at all (an empty
/// download, an error page) is an error, as is a file that cannot be read.
public struct IntelListLoader: Sendable {
    public var format: IntelListFormat
    /// IPsum: keep only lines whose count (number of blacklists) is at least this. Lines without a
    /// count (plain entries in `auto`) are always kept.
    public var minimumCount: Int

    /// Bad lines kept with their text in the statistics.
    public static let maxReportedBadLines = 10

    public init(format: IntelListFormat = .auto, minimumCount: Int = 1) {
        self.format = format
        self.minimumCount = minimumCount
    }

    /// Loads the file at `path`; the list is named `name`, or after the file without its extension.
    public func load(path: String, name: String? = nil) throws(RuleError) -> IntelList {
        let started = ContinuousClock.now
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw RuleError(.io, source: path, "cannot read the intel list: \(error.localizedDescription)")
        }
        let listName = name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let parsed = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<IntelList, RuleError> in
            let bytes = UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count)
            return Result { () throws(RuleError) -> IntelList in try parse(bytes, name: listName, source: path) }
        }
        var list = try parsed.get()
        var statistics = list.statistics
        statistics.milliseconds = Self.milliseconds(since: started)
        list = IntelList(name: list.name, addresses: list.addresses, statistics: statistics)
        return list
    }

    /// Parses a list's text (UTF-8 bytes); `source` names it in statistics and errors.
    public func parse(_ bytes: [UInt8], name: String, source: String) throws(RuleError) -> IntelList {
        try bytes.withUnsafeBufferPointer { (buffer) throws(RuleError) -> IntelList in
            try parse(buffer, name: name, source: source)
        }
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>, name: String, source: String) throws(RuleError) -> IntelList {
        let started = ContinuousClock.now
        var statistics = IntelList.Statistics(source: source)
        var builder = IPSet.Builder()
        var lineStart = 0
        let count = bytes.count
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            statistics.lines += 1
            switch parseLine(bytes, lineStart, lineEnd) {
            case .skip:
                break
            case .address(let address, let listed):
                if let listed, listed < minimumCount {
                    statistics.belowMinimum += 1
                } else {
                    builder.add(address)
                    statistics.entries += 1
                }
            case .range(let first, let last):
                builder.add(range: first, last)
                statistics.entries += 1
            case .bad(let reason):
                statistics.badLines += 1
                if statistics.firstBadLines.count < Self.maxReportedBadLines {
                    var text = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]), as: UTF8.self)
                    text = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if text.count > 100 { text = String(text.prefix(100)) + "…" }
                    statistics.firstBadLines.append(IntelList.BadLine(source: source, line: statistics.lines,
                                                                      text: text, reason: reason))
                }
            }
            lineStart = lineEnd + 1
        }
        guard statistics.entries + statistics.belowMinimum > 0 else {
            var message = "no IP address or CIDR in \(statistics.lines) line\(statistics.lines == 1 ? "" : "s")"
            if let first = statistics.firstBadLines.first {
                message += " (\(statistics.badLines) bad; first at line \(first.line): \(first.reason): '\(first.text)')"
            }
            message += "; expected \(format == .auto ? "one address or CIDR per line" : "the \(format.rawValue) format")"
            throw RuleError(.invalidList, source: source, message)
        }
        let set = builder.build()
        statistics.ranges = set.rangeCount
        statistics.milliseconds = Self.milliseconds(since: started)
        return IntelList(name: name, addresses: set, statistics: statistics)
    }

    private enum Line {
        case skip
        case address(IPAddress, listed: Int?)
        case range(IPAddress, IPAddress)
        case bad(String)
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0B || c == 0x0C }
    private static func isComment(_ c: UInt8) -> Bool { c == UInt8(ascii: "#") || c == UInt8(ascii: ";") }

    private func parseLine(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Line {
        var i = start
        while i < end && Self.isSpace(b[i]) { i += 1 }
        if i == end || Self.isComment(b[i]) { return .skip }
        if b[i] == UInt8(ascii: "{") {
            guard format == .auto || format == .spamhausDrop else { return .bad("a JSON line in a \(format.rawValue) list") }
            return jsonLine(b, i, end)
        }
        let tokenStart = i
        while i < end && !Self.isSpace(b[i]) && !Self.isComment(b[i]) { i += 1 }
        let tokenEnd = i
        while i < end && Self.isSpace(b[i]) { i += 1 }

        // What follows the address: nothing, a comment, or (IPsum) a count.
        var listed: Int?
        if i < end && !Self.isComment(b[i]) {
            guard format == .auto || format == .ipsum else { return .bad("unexpected text after the address") }
            var value = 0
            let digitsStart = i
            while i < end, b[i] >= 0x30, b[i] <= 0x39, i - digitsStart < 9 {
                value = value * 10 + Int(b[i] - 0x30)
                i += 1
            }
            guard i > digitsStart else { return .bad("expected a count after the address") }
            while i < end && Self.isSpace(b[i]) { i += 1 }
            guard i == end || Self.isComment(b[i]) else { return .bad("unexpected text after the count") }
            listed = value
        } else if format == .ipsum {
            return .bad("expected IP<TAB>count")
        }
        return entry(b, tokenStart, tokenEnd, listed: listed)
    }

    /// Spamhaus DROP JSON lines: `{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}`; the
    /// metadata line (no `cidr`) is skipped.
    private func jsonLine(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Line {
        let key = Array(#""cidr":""#.utf8)
        var i = start
        while i + key.count <= end {
            if b[i] == key[0], (0..<key.count).allSatisfy({ b[i + $0] == key[$0] }) {
                let valueStart = i + key.count
                var valueEnd = valueStart
                while valueEnd < end && b[valueEnd] != UInt8(ascii: "\"") { valueEnd += 1 }
                guard valueEnd < end else { return .bad("unterminated cidr value") }
                return entry(b, valueStart, valueEnd, listed: nil)
            }
            i += 1
        }
        return .skip
    }

    private func entry(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, listed: Int?) -> Line {
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        if b[start..<end].contains(UInt8(ascii: "/")) {
            guard let (first, last) = IPSet.range(parsing: text) else { return .bad("not a CIDR") }
            return .range(first, last)
        }
        guard let address = IPAddress(text) else { return .bad("not an IP address or CIDR") }
        return .address(address, listed: listed)
    }

    private static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
