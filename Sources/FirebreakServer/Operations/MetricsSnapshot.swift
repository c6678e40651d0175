/// Every sample of a `MetricsRegistry` at one moment, with its labels as a map: what the EMF writer reads
/// (`/metrics` renders the registry directly). Providers were read when the snapshot was taken.
public struct MetricsSnapshot: Sendable {
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// One counter or gauge series.
    public struct Sample: Sendable, Equatable {
        public var labels: [String: String]
        public var value: Double

        public init(labels: [String: String] = [:], value: Double) {
            self.labels = labels
            self.value = value
        }
    }

    /// One histogram series: `cumulativeCounts[i]` observations were at most `bounds[i]`; `count` is all of them.
    public struct Histogram: Sendable, Equatable {
        public var labels: [String: String]
        public var bounds: [Double]
        public var cumulativeCounts: [UInt64]
        public var count: UInt64
        public var sum: Double

        public init(labels: [String: String] = [:], bounds: [Double], cumulativeCounts: [UInt64], count: UInt64, sum: Double) {
            self.labels = labels
            self.bounds = bounds
            self.cumulativeCounts = cumulativeCounts
            self.count = count
            self.sum = sum
        }
    }

    public struct Family: Sendable {
        public var name: String
        public var kind: Kind
        public var samples: [Sample]
        public var histograms: [Histogram]

        public init(name: String, kind: Kind, samples: [Sample] = [], histograms: [Histogram] = []) {
            self.name = name
            self.kind = kind
            self.samples = samples
            self.histograms = histograms
        }
    }

    /// By name.
    public var families: [Family]

    public init(families: [Family]) {
        self.families = families.sorted { $0.name < $1.name }
    }
}
