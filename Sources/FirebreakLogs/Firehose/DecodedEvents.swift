/// A delivery's events in order, kept as one array per record.
///
/// A delivery of 100,000 flow records is ~20 MB of events: held as one array it would be regrown and copied as
/// records are added (and its fresh pages faulted in each time); one array per record is allocated once, at about
/// its final size, and never moved.
public struct DecodedEvents: RandomAccessCollection, Sendable, ExpressibleByArrayLiteral {
    /// The events, one array per record (none empty), in order.
    public private(set) var chunks: [[DecodedEvent]] = []
    /// `ends[k]`: the index after the last event of `chunks[k]`.
    private var ends: [Int] = []

    public init() {}

    public init(_ events: [DecodedEvent]) {
        append(chunk: events)
    }

    public init(arrayLiteral elements: DecodedEvent...) {
        self.init(elements)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ends.last ?? 0 }

    public subscript(position: Int) -> DecodedEvent {
        precondition(position >= 0 && position < endIndex, "event index out of range")
        // The first chunk whose end is past `position`.
        var low = 0, high = ends.count - 1
        while low < high {
            let mid = (low + high) / 2
            if ends[mid] > position { high = mid } else { low = mid + 1 }
        }
        return chunks[low][position - (low == 0 ? 0 : ends[low - 1])]
    }

    /// Adds a record's events (nothing when `events` is empty).
    public mutating func append(chunk events: [DecodedEvent]) {
        guard !events.isEmpty else { return }
        chunks.append(events)
        ends.append(endIndex + events.count)
    }

    /// Adds another collection's events after these.
    public mutating func append(contentsOf other: DecodedEvents) {
        for chunk in other.chunks { append(chunk: chunk) }
    }

    public func makeIterator() -> Iterator { Iterator(chunks: chunks) }

    /// Walks the chunks in order (no index arithmetic per event).
    public struct Iterator: IteratorProtocol {
        let chunks: [[DecodedEvent]]
        var chunk = 0
        var index = 0

        public mutating func next() -> DecodedEvent? {
            while chunk < chunks.count {
                if index < chunks[chunk].count {
                    defer { index += 1 }
                    return chunks[chunk][index]
                }
                chunk += 1
                index = 0
            }
            return nil
        }
    }
}
