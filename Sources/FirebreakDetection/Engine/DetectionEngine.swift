import FirebreakLogs
import Foundation
import Synchronization

/// The rule engine the service runs: the current `RuleSet`, swapped atomically on reload.
///
/// A reload builds the new set aside; when a rule file or list has an error, the old set stays in
/// force and the error is reported. Events being evaluated keep the set they started with.
public final class DetectionEngine: Sendable {
    public let sources: DetectionSources
    private let current: Mutex<RuleSet>
    private let fingerprint: Mutex<[String: Date]>

    /// The outcome of a (re)load.
    public struct LoadReport: Sendable {
        public var applied: Bool
        public var rules: Int
        public var correlations: Int
        public var lists: [String: Int]
        public var problems: [RuleError]
        public var milliseconds: Double
    }

    /// Loads the sources; throws with every problem when the first load is not clean.
    public init(sources: DetectionSources) throws(DetectionLoadError) {
        self.sources = sources
        let (set, report) = Self.load(sources)
        guard report.problems.isEmpty else { throw DetectionLoadError(problems: report.problems) }
        current = Mutex(set)
        fingerprint = Mutex(Self.fingerprint(sources))
    }

    /// An engine over an already-built set (tests, `replay`).
    public init(ruleSet: RuleSet, sources: DetectionSources) {
        self.sources = sources
        current = Mutex(ruleSet)
        fingerprint = Mutex(Self.fingerprint(sources))
    }

    public var ruleSet: RuleSet { current.withLock { $0 } }

    /// Evaluates decoded events with the set in force when called: every match as its own finding.
    public func evaluate(_ events: DecodedEvents, receivedMillis: Int64) -> [Finding] {
        var sink = FindingSink.list
        var recordNow: [RuleSet.PendingMatch]? = nil
        ruleSet.evaluate(events, network: sources.network, receivedMillis: receivedMillis, into: &sink, deferring: &recordNow)
        return sink.list
    }

    public func evaluate(_ events: [DecodedEvent], receivedMillis: Int64) -> [Finding] {
        evaluate(DecodedEvents(events), receivedMillis: receivedMillis)
    }

    /// Evaluates decoded events with the set in force, their matches merged into findings as they are found
    /// (`maxSamples` sample events kept per finding), leaving their correlation updates to
    /// `DeliveryEvaluation.commit(_:)`.
    public func prepare(_ events: DecodedEvents, receivedMillis: Int64,
                        maxSamples: Int = FindingAggregate.defaultMaxSamples) -> DeliveryEvaluation {
        ruleSet.prepare(events, network: sources.network, receivedMillis: receivedMillis, maxSamples: maxSamples)
    }

    public func prepare(_ events: [DecodedEvent], receivedMillis: Int64,
                        maxSamples: Int = FindingAggregate.defaultMaxSamples) -> DeliveryEvaluation {
        prepare(DecodedEvents(events), receivedMillis: receivedMillis, maxSamples: maxSamples)
    }

    /// Loads rules and lists again; swaps them in only when everything loaded.
    @discardableResult
    public func reload() -> LoadReport {
        var (set, report) = Self.load(sources)
        if report.problems.isEmpty {
            current.withLock { $0 = set }
            fingerprint.withLock { $0 = Self.fingerprint(sources) }
            report.applied = true
        }
        _ = set
        return report
    }

    /// Reloads when a rule or list file was added, removed or modified since the last load.
    public func reloadIfChanged() -> LoadReport? {
        let now = Self.fingerprint(sources)
        guard fingerprint.withLock({ $0 != now }) else { return nil }
        let report = reload()
        if !report.applied { fingerprint.withLock { $0 = now } }   // report a broken file once, not every poll
        return report
    }

    /// Loads and compiles everything the sources name; the report lists every problem.
    public static func load(_ sources: DetectionSources) -> (RuleSet, LoadReport) {
        let start = DispatchTime.now().uptimeNanoseconds
        var problems: [RuleError] = []
        let intel = IntelRegistry.load(sources.intel, problems: &problems)
        let loaded = RuleFileLoader.load(paths: sources.rulePaths)
        let set = RuleSet(loaded: loaded, placeholders: intel.registry, maxOpenGroups: sources.maxOpenGroups,
                          dedup: sources.dedup, dedupOverrides: sources.dedupOverrides)
        problems += set.problems
        problems += duplicateIDs(loaded)
        let report = LoadReport(applied: false, rules: set.rules.count, correlations: set.correlations.count,
                                lists: intel.sizes, problems: problems,
                                milliseconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        return (set, report)
    }

    /// Modification times of every rule and list file the sources name.
    /// A rule id used by two rules or correlations: findings, playbooks and tests name rules by id, so the
    /// second one is a problem like any other broken rule.
    static func duplicateIDs(_ loaded: LoadedRules) -> [RuleError] {
        var seen: [String: String] = [:]
        var problems: [RuleError] = []
        let ids = loaded.rules.map { ($0.id, $0.source) } + loaded.correlations.map { ($0.id, $0.source) }
        for case let (id?, source) in ids {
            if let first = seen[id] {
                problems.append(RuleError(.invalidRule, source: source, "duplicate rule id \(id) (also in \(first))"))
            } else {
                seen[id] = source
            }
        }
        return problems
    }

    static func fingerprint(_ sources: DetectionSources) -> [String: Date] {
        var files: [String] = []
        for path in sources.rulePaths + sources.intel.watchedPaths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if let walker = FileManager.default.enumerator(atPath: path) {
                    while let relative = walker.nextObject() as? String { files.append((path as NSString).appendingPathComponent(relative)) }
                }
            } else {
                files.append(path)
            }
        }
        var out: [String: Date] = [:]
        for file in files {
            out[file] = (try? FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date) ?? Date.distantPast
        }
        return out
    }
}
