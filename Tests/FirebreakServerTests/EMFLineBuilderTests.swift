import Foundation
import Synchronization
import Testing
@testable import FirebreakServer
import FirebreakTestSupport

/// The EMF lines the service writes to stdout (`metrics.emf`): each one valid against the EMF specification's
/// structure, and the contract the stack's alarms and dashboard read (namespace, dimensions, deltas, p99).
@Suite struct EMFLineBuilderTests {
    static let t1: Int64 = 1_780_000_000_000
    static let t2: Int64 = 1_780_000_060_000

    /// The service's registry with deliveries by status, findings and matches by rule and level, events by type,
    /// a plain counter, gauges (one plain, one by step and state) and delivery durations.
    static func registry() -> ServiceMetrics {
        let metrics = ServiceMetrics()
        let r = metrics.registry
        r.declareCounter(ServiceMetrics.findings, help: "f")
        r.declareCounter(ServiceMetrics.matches, help: "m")
        r.increment(ServiceMetrics.deliveries, ["status": "200"], by: 3)
        r.increment(ServiceMetrics.deliveries, ["status": "503"])
        r.increment(ServiceMetrics.findings, ["rule": "rule-a", "level": "high"])
        r.increment(ServiceMetrics.findings, ["rule": "rule-b", "level": "high"])
        r.increment(ServiceMetrics.findings, ["rule": "rule-c", "level": "low"])
        r.increment(ServiceMetrics.matches, ["rule": "rule-a", "level": "high"], by: 5)
        r.increment(ServiceMetrics.events, ["type": "vpcflow"], by: 12)
        r.increment(ServiceMetrics.records, by: 3)
        r.increment(ServiceMetrics.bytesReceived, by: 2048)
        r.declareGauge(ServiceMetrics.queueDepth, help: "q") { 2 }
        r.declareGaugeFamily(ServiceMetrics.actions, help: "a") {
            [(["step": "snapshot", "state": "done"], 4), (["step": "terminate", "state": "held"], 1)]
        }
        r.declareGaugeFamily("firebreak_intel_feed_age_seconds", help: "age") {
            [(["feed": "a"], 30), (["feed": "b"], 700)]
        }
        // 99 fast deliveries (bucket 0.005) and one slow one (bucket 10).
        for _ in 0..<99 { r.observe(ServiceMetrics.deliveryDuration, value: 0.003) }
        r.observe(ServiceMetrics.deliveryDuration, value: 7)
        return metrics
    }

    /// Each line parsed, after checking it against the specification.
    static func documents(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [OCSFJSON] {
        try lines.map { line in
            #expect(EMFValidator.problems(line) == [], "\(line)", sourceLocation: sourceLocation)
            #expect(!line.contains("\n"), sourceLocation: sourceLocation)
            return try OCSFJSON(parsing: line)
        }
    }

    /// The line whose dimensions (after Service) are `dimensions`.
    static func line(_ documents: [OCSFJSON], _ dimensions: [String: String] = [:]) -> OCSFJSON? {
        documents.first { document in
            let names = document["_aws"]?["CloudWatchMetrics"]?.arrayValue?.first?["Dimensions"]?.arrayValue?.first?.arrayValue?
                .compactMap(\.stringValue) ?? []
            return Set(names) == Set(["Service"] + dimensions.keys) && dimensions.allSatisfy { document[$0.key]?.stringValue == $0.value }
        }
    }

    static func number(_ document: OCSFJSON?, _ name: String) -> Double? {
        switch document?[name] {
        case .int(let value)?: return Double(value)
        case .double(let value)?: return value
        default: return nil
        }
    }

    static func unit(_ document: OCSFJSON?, _ name: String) -> String? {
        document?["_aws"]?["CloudWatchMetrics"]?.arrayValue?.first?["Metrics"]?.arrayValue?
            .first { $0["Name"]?.stringValue == name }?["Unit"]?.stringValue
    }

    @Test func linesFollowTheSpecificationAndTheContract() throws {
        let metrics = Self.registry()
        var builder = EMFLineBuilder(service: "firebreak-prod")
        let first = try Self.documents(builder.lines(metrics.registry.snapshot(), timestampMillis: Self.t1))

        for document in first {
            #expect(document["_aws"]?["Timestamp"]?.intValue == Self.t1)
            let directives = try #require(document["_aws"]?["CloudWatchMetrics"]?.arrayValue)
            #expect(directives.count == 1)
            #expect(directives[0]["Namespace"]?.stringValue == "Firebreak")
            // Every dimension set starts with Service.
            let sets = try #require(directives[0]["Dimensions"]?.arrayValue)
            #expect(sets.count == 1 && sets[0].arrayValue?.first?.stringValue == "Service")
            #expect(document["Service"]?.stringValue == "firebreak-prod")
        }
        // One line per distinct dimension-value combination; labels not kept (rule, feed) merged away.
        let ok = Self.line(first, ["status": "200"])
        #expect(Self.number(ok, ServiceMetrics.deliveries) == 3)
        #expect(Self.unit(ok, ServiceMetrics.deliveries) == "Count")
        #expect(Self.number(Self.line(first, ["status": "503"]), ServiceMetrics.deliveries) == 1)
        let high = Self.line(first, ["level": "high"])
        #expect(Self.number(high, ServiceMetrics.findings) == 2)
        #expect(Self.number(high, ServiceMetrics.matches) == 5)
        #expect(high?["rule"] == nil)
        #expect(Self.number(Self.line(first, ["level": "low"]), ServiceMetrics.findings) == 1)
        #expect(Self.number(Self.line(first, ["type": "vpcflow"]), ServiceMetrics.events) == 12)
        #expect(Self.number(Self.line(first, ["step": "terminate", "state": "held"]), ServiceMetrics.actions) == 1)
        #expect(Self.number(Self.line(first, ["step": "snapshot", "state": "done"]), ServiceMetrics.actions) == 4)
        // The metrics without kept labels share the Service-only line.
        let plain = try #require(Self.line(first))
        #expect(Self.number(plain, ServiceMetrics.records) == 3)
        #expect(Self.number(plain, ServiceMetrics.bytesReceived) == 2048)
        #expect(Self.unit(plain, ServiceMetrics.bytesReceived) == "Bytes")
        #expect(Self.number(plain, ServiceMetrics.queueDepth) == 2)
        #expect(Self.number(plain, "firebreak_intel_feed_age_seconds") == 700, "a gauge merged across feeds keeps its largest")
        #expect(Self.unit(plain, "firebreak_intel_feed_age_seconds") == "Seconds")
        // The histogram: the interval's average and p99 (interpolated in the 0.001-0.005 bucket), in seconds.
        let average = try #require(Self.number(plain, "firebreak_delivery_duration_seconds"))
        #expect(abs(average - (99 * 0.003 + 7) / 100) < 1e-9)
        let p99 = try #require(Self.number(plain, "firebreak_delivery_duration_p99_seconds"))
        #expect(abs(p99 - 0.005) < 1e-9)
        #expect(Self.unit(plain, "firebreak_delivery_duration_p99_seconds") == "Seconds")
        #expect(plain["firebreak_delivery_duration_seconds_count"] == nil && plain["firebreak_delivery_duration_seconds_bucket"] == nil)

        // Second flush: counters as their increase since the first, gauges as they are, no durations without deliveries.
        metrics.registry.increment(ServiceMetrics.deliveries, ["status": "200"], by: 2)
        metrics.registry.increment(ServiceMetrics.findings, ["rule": "rule-d", "level": "high"])
        let second = try Self.documents(builder.lines(metrics.registry.snapshot(), timestampMillis: Self.t2))
        #expect(second.allSatisfy { $0["_aws"]?["Timestamp"]?.intValue == Self.t2 })
        #expect(Self.number(Self.line(second, ["status": "200"]), ServiceMetrics.deliveries) == 2)
        #expect(Self.number(Self.line(second, ["status": "503"]), ServiceMetrics.deliveries) == 0)
        #expect(Self.number(Self.line(second, ["level": "high"]), ServiceMetrics.findings) == 1)
        #expect(Self.number(Self.line(second, ["level": "high"]), ServiceMetrics.matches) == 0)
        let plain2 = try #require(Self.line(second))
        #expect(Self.number(plain2, ServiceMetrics.records) == 0)
        #expect(Self.number(plain2, ServiceMetrics.queueDepth) == 2)
        #expect(plain2["firebreak_delivery_duration_seconds"] == nil)
        #expect(plain2["firebreak_delivery_duration_p99_seconds"] == nil)
        #expect(Self.number(Self.line(second, ["step": "snapshot", "state": "done"]), ServiceMetrics.actions) == 4)

        // Third: the durations of this interval only; a p99 in the +Inf bucket is the largest bound.
        metrics.registry.observe(ServiceMetrics.deliveryDuration, value: 0.2)
        metrics.registry.observe(ServiceMetrics.deliveryDuration, value: 60)
        let third = try Self.documents(builder.lines(metrics.registry.snapshot(), timestampMillis: Self.t2 + 60_000))
        let plain3 = try #require(Self.line(third))
        #expect(abs((Self.number(plain3, "firebreak_delivery_duration_seconds") ?? 0) - 30.1) < 1e-9)
        #expect(Self.number(plain3, "firebreak_delivery_duration_p99_seconds") == 30)
    }

    @Test func aCounterThatStartsOverCountsFromZero() throws {
        let total = Atomic<Int>(10)
        let registry = MetricsRegistry()
        registry.declareCounter("firebreak_store_errors_total", help: "e") { Double(total.load(ordering: .relaxed)) }
        var builder = EMFLineBuilder(service: "firebreak")
        let first = try Self.documents(builder.lines(registry.snapshot(), timestampMillis: Self.t1))
        #expect(Self.number(Self.line(first), "firebreak_store_errors_total") == 10)
        total.store(3, ordering: .relaxed)
        let second = try Self.documents(builder.lines(registry.snapshot(), timestampMillis: Self.t2))
        #expect(Self.number(Self.line(second), "firebreak_store_errors_total") == 3)
    }

    @Test func atMostOneHundredMetricsPerDirective() throws {
        let registry = MetricsRegistry()
        for i in 0..<250 { registry.declareGauge("gauge_\(i)", help: "g") { Double(i) } }
        var builder = EMFLineBuilder(service: "firebreak")
        let lines = builder.lines(registry.snapshot(), timestampMillis: Self.t1)
        let documents = try Self.documents(lines)
        #expect(documents.count == 3)
        let counts = documents.map { $0["_aws"]?["CloudWatchMetrics"]?.arrayValue?.first?["Metrics"]?.arrayValue?.count ?? 0 }
        #expect(counts == [100, 100, 50])
        var seen = Set<String>()
        for document in documents {
            for (key, value) in document.objectValue ?? [:] where key.hasPrefix("gauge_") {
                seen.insert(key)
                #expect(Self.number(document, key) == Double(key.dropFirst("gauge_".count)), "\(value)")
            }
        }
        #expect(seen.count == 250)
    }

    @Test func dimensionValuesAreJSONStringsEvenWhenOdd() throws {
        let registry = MetricsRegistry()
        registry.declareCounter(ServiceMetrics.decodeErrors, help: "d")
        registry.increment(ServiceMetrics.decodeErrors, ["kind": "quote\"back\\slash\nline"])
        registry.increment(ServiceMetrics.decodeErrors, ["kind": "404"])
        var builder = EMFLineBuilder(service: "firebreak")
        let documents = try Self.documents(builder.lines(registry.snapshot(), timestampMillis: Self.t1))
        #expect(Self.number(Self.line(documents, ["kind": "quote\"back\\slash\nline"]), ServiceMetrics.decodeErrors) == 1)
        #expect(Self.line(documents, ["kind": "404"])?["kind"] == .string("404"))
    }

    /// The validator itself finds what the specification forbids, so a clean result above means something.
    @Test(arguments: [
        (#"{"_aws":{"CloudWatchMetrics":[]}}"#, "Timestamp"),
        (#"{"_aws":{"Timestamp":1.5,"CloudWatchMetrics":[]}}"#, "Timestamp"),
        (#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["S"]],"Metrics":[{"Name":"m"}]}]},"S":1,"m":1}"#,
         "dimension S"),
        (#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["S"]],"Metrics":[{"Name":"m"}]}]},"m":1}"#,
         "dimension S"),
        (#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"m","Unit":"Parsecs"}]}]},"m":1}"#,
         "Unit"),
        (#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"m"}]}]},"m":"1"}"#,
         "not a number"),
        (#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"m","StorageResolution":5}]}]},"m":1}"#,
         "StorageResolution"),
        (#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Dimensions":[],"Metrics":[]}]}}"#, "Namespace"),
        (#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[],"Extra":1}]}}"#, "unknown"),
        (#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]}} trailing"#, "JSON object"),
    ])
    func theValidatorRefusesWhatTheSpecificationForbids(line: String, problem: String) {
        let problems = EMFValidator.problems(line)
        #expect(problems.contains { $0.contains(problem) }, "\(problems)")
    }

    @Test func theValidatorCountsMetricsDimensionsAndValues() {
        let names = (0..<101).map { "m\($0)" }
        let tooMany = "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"N\",\"Dimensions\":[],\"Metrics\":["
            + names.map { "{\"Name\":\"\($0)\"}" }.joined(separator: ",") + "]}]},"
            + names.map { "\"\($0)\":1" }.joined(separator: ",") + "}"
        #expect(EMFValidator.problems(tooMany).contains { $0.contains("101 definitions") })
        let dimensions = (0..<31).map { "d\($0)" }
        let wide = "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"N\",\"Dimensions\":[["
            + dimensions.map { "\"\($0)\"" }.joined(separator: ",") + "]],\"Metrics\":[]}]},"
            + dimensions.map { "\"\($0)\":\"v\"" }.joined(separator: ",") + "}"
        #expect(EMFValidator.problems(wide).contains { $0.contains("31 keys") })
        let values = "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"N\",\"Dimensions\":[],\"Metrics\":[{\"Name\":\"m\"}]}]},\"m\":["
            + (0..<101).map(String.init).joined(separator: ",") + "]}"
        #expect(EMFValidator.problems(values).contains { $0.contains("101 values") })
    }

    @Test func theWriterFlushesWholeLinesAndOnceMoreWhenStopped() throws {
        let metrics = Self.registry()
        let written = Mutex<[String]>([])
        let writer = EMFWriter(registry: metrics.registry, service: "firebreak", intervalSeconds: 3600) { text in
            written.withLock { $0.append(text) }
        }
        writer.start()
        #expect(writer.flush(now: Date(timeIntervalSince1970: 1_780_000_000)) > 0)
        metrics.registry.increment(ServiceMetrics.deliveries, ["status": "200"])
        writer.stop()
        writer.stop()
        let chunks = written.withLock { $0 }
        #expect(chunks.count == 2, "one write per flush, the final one included; a second stop writes nothing")
        #expect(chunks.allSatisfy { $0.hasSuffix("\n") })
        let last = try Self.documents(chunks[1].split(separator: "\n").map(String.init))
        #expect(Self.number(Self.line(last, ["status": "200"]), ServiceMetrics.deliveries) == 1)
        #expect(last.first?["_aws"]?["Timestamp"]?.intValue ?? 0 > 1_780_000_000_000)
    }

    @Test func settingsDefaultsOverridesAndBounds() throws {
        let defaults = try ServiceConfiguration.load(environment: [:])
        #expect(defaults.metricsEMF == false)
        #expect(defaults.metricsEMFIntervalSeconds == 60)
        #expect(defaults.metricsEMFService == "firebreak")
        #expect(defaults.summary.contains("metrics.emf: off"))
        let set = try ServiceConfiguration.load(environment: [
            "FIREBREAK_METRICS_EMF": "true", "FIREBREAK_METRICS_EMF_INTERVAL_SECONDS": "15",
            "FIREBREAK_METRICS_EMF_SERVICE": "firebreak-prod",
        ])
        #expect(set.metricsEMF)
        #expect(set.metricsEMFIntervalSeconds == 15)
        #expect(set.metricsEMFService == "firebreak-prod")
        #expect(set.summary.contains("metrics.emf: on, every 15s, namespace Firebreak, service firebreak-prod"))
    }

    @Test(arguments: [
        ("FIREBREAK_METRICS_EMF_INTERVAL_SECONDS", "0", "metrics.emf_interval_seconds", "from 1 to 3600"),
        ("FIREBREAK_METRICS_EMF_INTERVAL_SECONDS", "3601", "metrics.emf_interval_seconds", "from 1 to 3600"),
        ("FIREBREAK_METRICS_EMF_INTERVAL_SECONDS", "1m", "metrics.emf_interval_seconds", "from 1 to 3600"),
        ("FIREBREAK_METRICS_EMF", "sometimes", "metrics.emf", "true or false"),
        ("FIREBREAK_METRICS_EMF_SERVICE", "", "metrics.emf_service", "printable ASCII"),
        ("FIREBREAK_METRICS_EMF_SERVICE", " padded", "metrics.emf_service", "printable ASCII"),
        ("FIREBREAK_METRICS_EMF_SERVICE", "tab\tbed", "metrics.emf_service", "printable ASCII"),
    ])
    func invalidSettingsAreRefusedByName(variable: String, value: String, key: String, expected: String) {
        #expect(ConfigurationRefusal.refuses(variable, value, key: key, saying: expected))
    }
}
