/// Turns `MetricsRegistry` snapshots into CloudWatch Embedded Metric Format lines: the contract the deployment
/// stack's alarms and dashboard read.
///
/// - Namespace `Firebreak`; every dimension set starts with `Service` (`metrics.emf_service`).
/// - Metric names are the Prometheus names. Only the labels in `dimensions` stay, as dimensions; the series that
///   differ only in other labels are merged: counters summed (`rule` of the findings), gauges by their largest value
///   (the oldest intel feed, the largest action-delay quantile).
/// - One line per distinct dimension-value combination, with at most 100 metrics in its one directive (more metrics
///   of one combination: more lines).
/// - Counters are written as their increase since the previous snapshot (Unit `Count`, or `Bytes`), gauges as their
///   value, a histogram as the interval's average (`<name>`) and p99 estimated from its buckets
///   (`<name without _seconds>_p99_seconds`), both only when the interval had observations.
public struct EMFLineBuilder: Sendable {
    public static let namespace = "Firebreak"
    public static let serviceDimension = "Service"
    /// The EMF specification's limit on the MetricDefinitions of one directive.
    public static let maxMetricsPerDirective = 100

    /// The labels kept as dimensions, by metric; a metric not listed keeps none.
    public static let dimensions: [String: [String]] = [
        ServiceMetrics.deliveries: ["status"],
        ServiceMetrics.findings: ["level"],
        ServiceMetrics.matches: ["level"],
        ServiceMetrics.events: ["type"],
        ServiceMetrics.decodeErrors: ["kind"],
        ServiceMetrics.actions: ["step", "state"],
    ]

    /// The value of the `Service` dimension.
    public let service: String
    /// Each counter series' total at the previous snapshot.
    private var counterTotals: [Series: Double] = [:]
    /// Each histogram series' buckets, count and sum at the previous snapshot.
    private var histogramTotals: [Series: HistogramTotals] = [:]

    public init(service: String) {
        self.service = service
    }

    private struct Series: Hashable {
        var name: String
        var values: [String]
    }

    private struct HistogramTotals {
        var cumulative: [Double]
        var count: Double
        var sum: Double
    }

    /// The dimensions of one line after `Service`: names and their values, in the order of `dimensions`.
    private struct Group: Hashable, Comparable {
        var names: [String]
        var values: [String]

        static func < (a: Group, b: Group) -> Bool {
            (a.names.count, a.names.joined(separator: "\u{0}"), a.values.joined(separator: "\u{0}"))
                < (b.names.count, b.names.joined(separator: "\u{0}"), b.values.joined(separator: "\u{0}"))
        }
    }

    private struct Metric {
        var name: String
        var unit: String
        var value: Double
    }

    /// The lines for `snapshot`, taken at `timestampMillis` (milliseconds since 1970), each a JSON object without
    /// its newline; remembers the counters and histograms for the next call's increases.
    public mutating func lines(_ snapshot: MetricsSnapshot, timestampMillis: Int64) -> [String] {
        var groups: [Group: [Metric]] = [:]
        func add(_ kept: [String], _ values: [String], _ metric: Metric) {
            guard metric.value.isFinite else { return }
            groups[Group(names: kept, values: values), default: []].append(metric)
        }
        for family in snapshot.families {
            let kept = Self.dimensions[family.name] ?? []
            let unit = Self.unit(of: family.name)
            switch family.kind {
            case .counter:
                for (values, total) in Self.merge(family.samples, kept: kept, +) {
                    let series = Series(name: family.name, values: values)
                    let previous = counterTotals[series] ?? 0
                    counterTotals[series] = total
                    // A counter that went down was reset (its source started over): all of it is new.
                    add(kept, values, Metric(name: family.name, unit: unit, value: total >= previous ? total - previous : total))
                }
            case .gauge:
                for (values, value) in Self.merge(family.samples, kept: kept, max) {
                    add(kept, values, Metric(name: family.name, unit: unit, value: value))
                }
            case .histogram:
                for (values, now) in Self.merge(family.histograms, kept: kept) {
                    let series = Series(name: family.name, values: values)
                    var interval = now.totals
                    if let before = histogramTotals[series], before.count <= now.totals.count,
                       before.cumulative.count == now.totals.cumulative.count {
                        interval = HistogramTotals(cumulative: zip(now.totals.cumulative, before.cumulative).map { $0 - $1 },
                                                   count: now.totals.count - before.count, sum: now.totals.sum - before.sum)
                    }
                    histogramTotals[series] = now.totals
                    guard interval.count > 0 else { continue }
                    add(kept, values, Metric(name: family.name, unit: unit, value: interval.sum / interval.count))
                    add(kept, values, Metric(name: Self.p99Name(family.name), unit: unit,
                                             value: Self.quantile(0.99, bounds: now.bounds, cumulative: interval.cumulative,
                                                                  count: interval.count)))
                }
            }
        }
        var out: [String] = []
        for group in groups.keys.sorted() {
            let metrics = groups[group]!.sorted { $0.name < $1.name }
            for start in stride(from: 0, to: metrics.count, by: Self.maxMetricsPerDirective) {
                let chunk = metrics[start..<min(start + Self.maxMetricsPerDirective, metrics.count)]
                out.append(render(group, Array(chunk), timestampMillis: timestampMillis))
            }
        }
        return out
    }

    private func render(_ group: Group, _ metrics: [Metric], timestampMillis: Int64) -> String {
        let names = [Self.serviceDimension] + group.names
        var line = "{\"_aws\":{\"Timestamp\":\(timestampMillis),\"CloudWatchMetrics\":[{\"Namespace\":"
            + Self.quote(Self.namespace) + ",\"Dimensions\":[[" + names.map(Self.quote).joined(separator: ",") + "]],\"Metrics\":["
            + metrics.map { "{\"Name\":" + Self.quote($0.name) + ",\"Unit\":" + Self.quote($0.unit) + "}" }.joined(separator: ",")
            + "]}]}," + Self.quote(Self.serviceDimension) + ":" + Self.quote(service)
        for (name, value) in zip(group.names, group.values) {
            line += "," + Self.quote(name) + ":" + Self.quote(value)
        }
        for metric in metrics {
            line += "," + Self.quote(metric.name) + ":" + Self.number(metric.value)
        }
        return line + "}"
    }

    /// Samples by the values of the kept labels (a missing one reads `none`), merged with `combine`.
    private static func merge(_ samples: [MetricsSnapshot.Sample], kept: [String],
                              _ combine: (Double, Double) -> Double) -> [([String], Double)] {
        var merged: [[String]: Double] = [:]
        var order: [[String]] = []
        for sample in samples {
            let values = kept.map { sample.labels[$0] ?? "none" }
            if let current = merged[values] {
                merged[values] = combine(current, sample.value)
            } else {
                merged[values] = sample.value
                order.append(values)
            }
        }
        return order.map { ($0, merged[$0]!) }
    }

    /// Histograms by the values of the kept labels, their buckets, counts and sums added.
    private static func merge(_ histograms: [MetricsSnapshot.Histogram], kept: [String])
        -> [([String], (bounds: [Double], totals: HistogramTotals))] {
        var merged: [[String]: (bounds: [Double], totals: HistogramTotals)] = [:]
        var order: [[String]] = []
        for histogram in histograms {
            let values = kept.map { histogram.labels[$0] ?? "none" }
            let totals = HistogramTotals(cumulative: histogram.cumulativeCounts.map { Double($0) }, count: Double(histogram.count),
                                         sum: histogram.sum)
            if var current = merged[values], current.bounds == histogram.bounds {
                current.totals.cumulative = zip(current.totals.cumulative, totals.cumulative).map { $0 + $1 }
                current.totals.count += totals.count
                current.totals.sum += totals.sum
                merged[values] = current
            } else if merged[values] == nil {
                merged[values] = (histogram.bounds, totals)
                order.append(values)
            }
        }
        return order.map { ($0, merged[$0]!) }
    }

    /// The `q` quantile of `count` observations in buckets (`cumulative[i]` at most `bounds[i]`), interpolated
    /// linearly inside its bucket as Prometheus's `histogram_quantile` does; in the +Inf bucket, the largest bound.
    static func quantile(_ q: Double, bounds: [Double], cumulative: [Double], count: Double) -> Double {
        let rank = q * count
        var lower = 0.0
        var below = 0.0
        for (bound, atMost) in zip(bounds, cumulative) {
            if atMost >= rank {
                let inBucket = atMost - below
                guard inBucket > 0 else { return bound }
                return lower + (bound - lower) * (rank - below) / inBucket
            }
            lower = bound
            below = atMost
        }
        return bounds.last ?? 0
    }

    /// `firebreak_delivery_duration_seconds` → `firebreak_delivery_duration_p99_seconds`.
    static func p99Name(_ name: String) -> String {
        name.hasSuffix("_seconds") ? String(name.dropLast("_seconds".count)) + "_p99_seconds" : name + "_p99"
    }

    /// A CloudWatch unit from the metric's name (the Prometheus suffix conventions).
    static func unit(of name: String) -> String {
        if name.hasSuffix("_timestamp_seconds") { return "None" }
        if name.hasSuffix("_seconds") { return "Seconds" }
        if name.hasSuffix("_bytes") || name.hasSuffix("_bytes_total") { return "Bytes" }
        return "Count"
    }

    private static func quote(_ text: String) -> String { FirehoseResponse.jsonString(text) }

    private static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
