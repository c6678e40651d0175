import Foundation
import Synchronization

/// Counters, gauges and histograms, rendered in the Prometheus text exposition format (0.0.4).
///
/// Families are declared once with their help text; samples are keyed by their label set.
public final class MetricsRegistry: Sendable {
    public typealias Labels = KeyValuePairs<String, String>

    private enum Kind: String, Sendable { case counter, gauge, histogram }

    private struct Family: Sendable {
        var kind: Kind
        var help: String
        var buckets: [Double] = []
        var values: [String: Double] = [:]            // counter / gauge, by rendered label set
        var labels: [String: [String: String]] = [:]  // each rendered label set as a map (for `snapshot()`)
        var histograms: [String: HistogramState] = [:]
        var provider: (@Sendable () -> Double)?
        var familyProvider: (@Sendable () -> [([String: String], Double)])?
    }

    private struct HistogramState: Sendable {
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    private let families = Mutex<[String: Family]>([:])

    public init() {}

    public func declareCounter(_ name: String, help: String) {
        families.withLock { $0[name] = $0[name] ?? Family(kind: .counter, help: help) }
    }

    public func declareGauge(_ name: String, help: String) {
        families.withLock { $0[name] = $0[name] ?? Family(kind: .gauge, help: help) }
    }

    /// A gauge whose value is read when the metrics are rendered.
    public func declareGauge(_ name: String, help: String, provider: @escaping @Sendable () -> Double) {
        families.withLock { $0[name] = Family(kind: .gauge, help: help, provider: provider) }
    }

    /// A counter whose value is read when the metrics are rendered (kept elsewhere, e.g. by the HTTP server).
    public func declareCounter(_ name: String, help: String, provider: @escaping @Sendable () -> Double) {
        families.withLock { $0[name] = Family(kind: .counter, help: help, provider: provider) }
    }

    /// A labelled gauge family whose samples are read when the metrics are rendered.
    public func declareGaugeFamily(_ name: String, help: String,
                                   provider: @escaping @Sendable () -> [([String: String], Double)]) {
        families.withLock { $0[name] = Family(kind: .gauge, help: help, familyProvider: provider) }
    }

    /// A labelled counter family whose samples are read when the metrics are rendered (kept elsewhere).
    public func declareCounterFamily(_ name: String, help: String,
                                     provider: @escaping @Sendable () -> [([String: String], Double)]) {
        families.withLock { $0[name] = Family(kind: .counter, help: help, familyProvider: provider) }
    }

    public func declareHistogram(_ name: String, help: String, buckets: [Double]) {
        families.withLock { $0[name] = $0[name] ?? Family(kind: .histogram, help: help, buckets: buckets.sorted()) }
    }

    public func increment(_ name: String, _ labels: Labels = [:], by amount: Double = 1) {
        let key = Self.render(labels)
        families.withLock { f in
            guard f[name]?.kind == .counter else { return }
            f[name]!.values[key, default: 0] += amount
            if f[name]!.labels[key] == nil { f[name]!.labels[key] = Self.map(labels) }
        }
    }

    public func set(_ name: String, _ labels: Labels = [:], to value: Double) {
        let key = Self.render(labels)
        families.withLock { f in
            guard f[name]?.kind == .gauge else { return }
            f[name]!.values[key] = value
            if f[name]!.labels[key] == nil { f[name]!.labels[key] = Self.map(labels) }
        }
    }

    public func observe(_ name: String, _ labels: Labels = [:], value: Double) {
        let key = Self.render(labels)
        families.withLock { f in
            guard let family = f[name], family.kind == .histogram else { return }
            var state = family.histograms[key] ?? HistogramState(counts: Array(repeating: 0, count: family.buckets.count))
            for (i, bound) in family.buckets.enumerated() where value <= bound { state.counts[i] += 1 }
            state.sum += value
            state.count += 1
            f[name]!.histograms[key] = state
            if f[name]!.labels[key] == nil { f[name]!.labels[key] = Self.map(labels) }
        }
    }

    /// The current value of a counter or gauge sample (for tests and logs).
    public func value(_ name: String, _ labels: Labels = [:]) -> Double {
        let key = Self.render(labels)
        return families.withLock { f in f[name]?.values[key] ?? 0 }
    }

    /// The text served on `GET /metrics`.
    public func render() -> String {
        let snapshot = families.withLock { $0 }
        var out = ""
        for name in snapshot.keys.sorted() {
            let family = snapshot[name]!
            out += "# HELP \(name) \(family.help)\n# TYPE \(name) \(family.kind.rawValue)\n"
            switch family.kind {
            case .counter, .gauge:
                if let provider = family.provider {
                    out += "\(name) \(Self.format(provider()))\n"
                }
                if let provider = family.familyProvider {
                    for (labels, value) in provider() {
                        let rendered = labels.keys.sorted().map { "\($0)=\"\(Self.escape(labels[$0]!))\"" }.joined(separator: ",")
                        out += "\(name){\(rendered)} \(Self.format(value))\n"
                    }
                }
                for key in family.values.keys.sorted() {
                    out += "\(name)\(key) \(Self.format(family.values[key]!))\n"
                }
            case .histogram:
                for key in family.histograms.keys.sorted() {
                    let state = family.histograms[key]!
                    let inner = key.isEmpty ? "" : String(key.dropFirst().dropLast()) + ","
                    for (i, bound) in family.buckets.enumerated() {
                        out += "\(name)_bucket{\(inner)le=\"\(Self.format(bound))\"} \(state.counts[i])\n"
                    }
                    out += "\(name)_bucket{\(inner)le=\"+Inf\"} \(state.count)\n"
                    out += "\(name)_sum\(key) \(Self.format(state.sum))\n"
                    out += "\(name)_count\(key) \(state.count)\n"
                }
            }
        }
        return out
    }

    /// Every family's samples now, labels as maps; provider-backed families are read here (outside the lock).
    public func snapshot() -> MetricsSnapshot {
        let current = families.withLock { $0 }
        return MetricsSnapshot(families: current.map { name, family in
            var samples: [MetricsSnapshot.Sample] = []
            var histograms: [MetricsSnapshot.Histogram] = []
            switch family.kind {
            case .counter, .gauge:
                if let provider = family.provider { samples.append(.init(value: provider())) }
                if let provider = family.familyProvider {
                    samples += provider().map { MetricsSnapshot.Sample(labels: $0.0, value: $0.1) }
                }
                for key in family.values.keys.sorted() {
                    samples.append(.init(labels: family.labels[key] ?? [:], value: family.values[key]!))
                }
            case .histogram:
                for key in family.histograms.keys.sorted() {
                    let state = family.histograms[key]!
                    histograms.append(.init(labels: family.labels[key] ?? [:], bounds: family.buckets,
                                            cumulativeCounts: state.counts, count: state.count, sum: state.sum))
                }
            }
            let kind: MetricsSnapshot.Kind = switch family.kind {
            case .counter: .counter
            case .gauge: .gauge
            case .histogram: .histogram
            }
            return MetricsSnapshot.Family(name: name, kind: kind, samples: samples, histograms: histograms)
        })
    }

    private static func map(_ labels: Labels) -> [String: String] {
        Dictionary(labels.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
    }

    private static func render(_ labels: Labels) -> String {
        if labels.isEmpty { return "" }
        let parts = labels.map { "\($0.key)=\"\(escape($0.value))\"" }
        return "{" + parts.joined(separator: ",") + "}"
    }

    private static func escape(_ value: String) -> String {
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    private static func format(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
