/// A delivery's rule matches merged into findings as they are found (`FindingAggregate`, by finding id).
///
/// A repeated match (its finding already open in the delivery, its samples full) only adds to the count and the
/// first and last time: no finding, no event and no id text is made for it.
struct FindingAggregator {
    let maxSamples: Int
    private(set) var aggregates: [FindingAggregate] = []
    private var positions: [StableID: Int] = [:]

    init(maxSamples: Int) {
        self.maxSamples = max(1, maxSamples)
    }

    /// Where the finding `key` is, when a match made it already.
    @inline(__always)
    func position(of key: StableID) -> Int? {
        positions[key]
    }

    /// True when the finding at `position` keeps the next match as a sample.
    @inline(__always)
    func wantsSample(at position: Int) -> Bool {
        aggregates[position].samples.count < maxSamples
    }

    /// A match of the finding at `position` kept only as a count and a time.
    @inline(__always)
    mutating func addMatch(at position: Int, timeMillis: Int64) {
        aggregates[position].addMatch(timeMillis: timeMillis)
    }

    /// A match whose finding was made (`finding.id` is `key`'s text): a new finding, or a sample of one.
    mutating func add(_ finding: Finding, key: StableID) {
        if let position = positions[key] {
            aggregates[position].add(finding, maxSamples: maxSamples)
        } else {
            positions[key] = aggregates.count
            aggregates.append(FindingAggregate(finding))
        }
    }
}
