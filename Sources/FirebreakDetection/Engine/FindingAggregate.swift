import FirebreakLogs

/// The matches of one delivery that share a finding id (`FindingDedup`): the first match stands for them, with how
/// many there were, the first and last event time, and the first few as samples.
public struct FindingAggregate: Sendable {
    /// The first match: its id, rule, resource and event are the finding's.
    public var finding: Finding
    public var count: Int
    public var firstMillis: Int64
    public var lastMillis: Int64
    /// Up to `maxSamples` matches, the first included, in order.
    public var samples: [Finding]
    /// The finding as JSON, rendered once (`json()`) for the store, the plan and the log.
    private var rendered: JSONValue?
    /// The finding and its event as JSON text, rendered once (`text()`).
    private var renderedText: (finding: String, event: String?)?

    /// Samples kept per finding unless configured (`findings.samples`).
    public static let defaultMaxSamples = 5

    init(_ finding: Finding) {
        self.finding = finding
        count = 1
        firstMillis = finding.timeMillis
        lastMillis = finding.timeMillis
        samples = [finding]
    }

    /// Merges `findings` by id, in order of first appearance; `maxSamples` matches of each are kept.
    public static func merge(_ findings: [Finding], maxSamples: Int = defaultMaxSamples) -> [FindingAggregate] {
        var aggregates: [FindingAggregate] = []
        var positions: [String: Int] = [:]
        positions.reserveCapacity(min(findings.count, 1024))
        for finding in findings {
            if let position = positions[finding.id] {
                aggregates[position].add(finding, maxSamples: maxSamples)
            } else {
                positions[finding.id] = aggregates.count
                aggregates.append(FindingAggregate(finding))
            }
        }
        return aggregates
    }

    /// Merges aggregates that share an id (correlation findings among a delivery's rule findings), in order of first
    /// appearance: counts add up, times widen, samples follow in order up to `maxSamples`.
    public static func merge(aggregates: [FindingAggregate], maxSamples: Int = defaultMaxSamples) -> [FindingAggregate] {
        var merged: [FindingAggregate] = []
        merged.reserveCapacity(aggregates.count)
        var positions: [String: Int] = [:]
        for aggregate in aggregates {
            guard let position = positions[aggregate.finding.id] else {
                positions[aggregate.finding.id] = merged.count
                merged.append(aggregate)
                continue
            }
            merged[position].absorb(aggregate, maxSamples: maxSamples)
        }
        return merged
    }

    /// The finding's JSON, rendered on first use and kept.
    public mutating func json() -> JSONValue {
        if let rendered { return rendered }
        let json = finding.jsonValue()
        rendered = json
        return json
    }

    /// The finding's JSON as text (what `json()` serializes to) and its event's JSON as text (the first sample), each
    /// rendered once: the event is written once and placed in the finding as its last member.
    public mutating func text() -> (finding: String, event: String?) {
        if let renderedText { return renderedText }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2048)
        finding.jsonValue(event: false).write(into: &bytes)
        var event: String?
        if let decoded = finding.event {
            bytes.removeLast()   // the closing brace: the event goes in as the last member
            bytes.append(contentsOf: ",\"event\":".utf8)
            let start = bytes.count
            decoded.event.writeJSON(into: &bytes)
            event = String(decoding: bytes[start...], as: UTF8.self)
            bytes.append(UInt8(ascii: "}"))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        renderedText = (text, event)
        return (text, event)
    }

    /// The first `limit` sample events as JSON texts; the first is the one `text()` holds once that was rendered.
    public func sampleTexts(limit: Int) -> [String] {
        samples.prefix(limit).indices.compactMap { position -> String? in
            if position == 0, let renderedText { return renderedText.event }
            return samples[position].event?.event.jsonText()
        }
    }

    mutating func add(_ match: Finding, maxSamples: Int) {
        addMatch(timeMillis: match.timeMillis)
        if samples.count < maxSamples { samples.append(match) }
    }

    /// Another aggregate of the same finding: counts add up, times widen, its samples follow up to `maxSamples`.
    mutating func absorb(_ other: FindingAggregate, maxSamples: Int) {
        count += other.count
        firstMillis = min(firstMillis, other.firstMillis)
        lastMillis = max(lastMillis, other.lastMillis)
        samples += other.samples.prefix(max(0, maxSamples - samples.count))
    }

    /// A match counted without a sample.
    @inline(__always)
    mutating func addMatch(timeMillis: Int64) {
        count += 1
        firstMillis = min(firstMillis, timeMillis)
        lastMillis = max(lastMillis, timeMillis)
    }
}
