import FirebreakTestSupport
import Foundation
import Testing

/// The metrics the service declares, read from its sources (Sources/FirebreakServer/Operations/ServiceMetrics.swift:
/// each `static let x = "firebreak_..."` and the kind it is declared as), and the CloudWatch side of them as the EMF
/// contract of issue 19 states it: namespace `Firebreak`, the Prometheus names, dimension `Service` first, and the
/// labels kept as dimensions for a few metrics.
struct MetricsContract {
    enum Kind: String { case counter, gauge, histogram }

    /// Every `firebreak_*` name ServiceMetrics declares, with its kind.
    let declared: [String: Kind]

    /// The CloudWatch namespace of the EMF lines.
    static let namespace = "Firebreak"
    /// Labels kept as dimensions (after `Service`); every other metric has `Service` alone.
    static let labelDimensions: [String: [String]] = [
        "firebreak_deliveries_total": ["status"],
        "firebreak_findings_total": ["level"], "firebreak_matches_total": ["level"],
        "firebreak_events_total": ["type"], "firebreak_decode_errors_total": ["kind"],
        "firebreak_actions": ["step", "state"],
    ]
    /// Names the EMF writer adds to the declared ones: the p99 it estimates from the delivery-duration histogram's
    /// buckets, and the store error counter (issue 19).
    static let emfOnly: [String: Kind] = ["firebreak_delivery_duration_p99_seconds": .gauge,
                                           "firebreak_store_errors_total": .counter]
    /// The states of `firebreak_actions`.
    static let actionStates = ["pending", "running", "done", "failed", "skipped", "held"]

    init(root: URL = FirehoseFixture.packageRoot) throws {
        let path = root.appendingPathComponent("Sources/FirebreakServer/Operations/ServiceMetrics.swift")
        let source = try String(contentsOf: path, encoding: .utf8)
        var names: [String: String] = [:]
        for match in source.matches(of: #/static let (\w+) = "(firebreak_\w+)"/#) {
            names[String(match.output.1)] = String(match.output.2)
        }
        // Where each is declared (`declareCounter(Self.deliveries, ...)` in ServiceMetrics, `declareCounter(
        // ServiceMetrics.findings, ...)` in the processors), and so its kind.
        var declared: [String: Kind] = [:]
        let server = root.appendingPathComponent("Sources/FirebreakServer")
        let files = FileManager.default.enumerator(at: server, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: #/declare(Counter|CounterFamily|Gauge|GaugeFamily|Histogram)\((?:Self|ServiceMetrics)\.(\w+)/#) {
                guard let name = names[String(match.output.2)] else { continue }
                declared[name] = match.output.1.hasPrefix("Counter") ? .counter : match.output.1.hasPrefix("Gauge") ? .gauge : .histogram
            }
        }
        self.names = Set(names.values)
        self.declared = declared
    }

    /// Every name ServiceMetrics defines (`declared` holds those whose declaration was found).
    let names: Set<String>

    /// The names (and kinds) that may appear in namespace `Firebreak`.
    var cloudWatch: [String: Kind] { declared.merging(Self.emfOnly) { old, _ in old } }

    /// The dimension names of a metric's EMF series.
    static func dimensions(of name: String) -> [String] { ["Service"] + (labelDimensions[name] ?? []) }

    /// The statistic the contract gives alarms on a metric: counters `Sum` (each line is the interval's increase),
    /// gauges `Maximum`, the histogram's interval average `Average`.
    static func alarmStatistic(_ kind: Kind) -> String {
        switch kind {
        case .counter: return "Sum"
        case .gauge: return "Maximum"
        case .histogram: return "Average"
        }
    }

    /// The step kinds of Sources/FirebreakResponse/Playbooks/StepKind.swift (their raw values), and those the blast
    /// radius counts (`isDestructive`).
    static func stepKinds(root: URL = FirehoseFixture.packageRoot) throws -> (all: [String], destructive: [String]) {
        let source = try String(contentsOf: root.appendingPathComponent("Sources/FirebreakResponse/Playbooks/StepKind.swift"),
                                encoding: .utf8)
        var raw: [String: String] = [:]
        var order: [String] = []
        for match in source.matches(of: #/^\s*case (\w+)(?: = "([\w-]+)")?\s*$/#.anchorsMatchLineEndings()) {
            let name = String(match.output.1)
            raw[name] = match.output.2.map(String.init) ?? name
            order.append(name)
        }
        let block = try #require(source.firstRange(of: "var isDestructive").map { source[$0.upperBound...] })
        let trueCase = try #require(block.firstMatch(of: #/case ([.\w, ]+): return true/#))
        let destructive = trueCase.output.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).dropFirst() }
            .compactMap { raw[String($0)] }
        return (order.compactMap { raw[$0] }, destructive)
    }
}
