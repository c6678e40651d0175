import FirebreakDetection

/// `firebreak rules list | validate | test`: the rules in force, as configured plus the command's overrides.
public struct RuleCatalog: Sendable {
    let sources: DetectionSources

    /// The configured detection sources (embedded default, `configFile`, environment) with `overrides` applied.
    public init(configFile: String?, overrides: DetectionOverrides) throws(CommandError) {
        let settings: ServiceConfiguration
        do {
            settings = try ServiceConfiguration.load(file: configFile)
        } catch {
            throw .configuration(error)
        }
        sources = try overrides.apply(to: settings.detection)
    }

    /// Prints id, level, log source, title and file of each rule and correlation, most severe first.
    public func list() {
        let (set, _) = DetectionEngine.load(sources)
        for rule in set.rules.map(\.rule).sorted(by: { ($0.level ?? .medium, $0.title) > ($1.level ?? .medium, $1.title) }) {
            print([rule.id ?? "-", (rule.level ?? .medium).rawValue, rule.logsource.service ?? rule.logsource.description,
                   rule.title, rule.source].joined(separator: "\t"))
        }
        for correlation in set.correlations {
            print([correlation.id ?? "-", (correlation.level ?? .medium).rawValue, "correlation:\(correlation.kind.rawValue)",
                   correlation.title, correlation.source].joined(separator: "\t"))
        }
    }

    /// Prints each rule or list that cannot be used, a warning for each rule whose `logsource` no decoded log has,
    /// and a summary; true when every one loads (warnings do not fail it).
    public func validate() -> Bool {
        let (set, report) = DetectionEngine.load(sources)
        for problem in report.problems { print("error: \(problem)") }
        for warning in Self.logSourceWarnings(set.rules.map(\.rule)) { print("warning: \(warning)") }
        print("\(set.rules.count) rule(s), \(set.correlations.count) correlation(s) from \(set.files.count) file(s); "
              + "\(report.problems.count) problem(s)")
        return report.problems.isEmpty
    }

    /// A line for each rule whose `logsource` covers no log Firebreak decodes (a misspelt service such as `vpcflow`
    /// for `vpcflowlogs`, or another product's rule): it loads, and never matches.
    static func logSourceWarnings(_ rules: [SigmaRule]) -> [String] {
        let decoded = DetectionEvent.decodedLogSources
        let known = decoded.map { "\($0.product ?? "")/\($0.service ?? "")" }.joined(separator: ", ")
        return rules.filter { rule in !decoded.contains { rule.logsource.covers($0) } }.map { rule in
            "\(rule.source): rule '\(rule.title)' reads logsource {\(rule.logsource)}, which no decoded log has: it never "
                + "matches (product/service of the logs Firebreak decodes: \(known))"
        }
    }

    /// Runs the test events kept beside the rules (`<rule>.tests.yaml`); prints failures (every case when
    /// `verbose`) and a closing `N passed, N failed` line. True when all pass.
    public func test(verbose: Bool) -> Bool {
        var problems: [RuleError] = []
        let intel = IntelRegistry.load(sources.intel, problems: &problems)
        let loaded = RuleFileLoader.load(paths: sources.rulePaths)
        var passed = 0, failed = 0
        for problem in problems + loaded.problems { print("error: \(problem)"); failed += 1 }
        let ruleSet = RuleSet(loaded: loaded, placeholders: intel.registry)
        for file in RuleTestSuite.files(in: sources.rulePaths) {
            do {
                let suite = try RuleTestSuite.load(file: file)
                let set = suite.ruleSet(shared: ruleSet, loaded: loaded, placeholders: intel.registry)
                for outcome in suite.run(ruleSet: set, network: sources.network) {
                    if outcome.passed { passed += 1 } else { failed += 1 }
                    if !outcome.passed || verbose {
                        let expected = outcome.expectMatch ? "a finding" : "no finding"
                        print("\(outcome.passed ? "ok  " : "FAIL") \(outcome.file): \(outcome.name) (expected \(expected) of \(outcome.ruleID))")
                    }
                }
            } catch {
                print("error: \(error)")
                failed += 1
            }
        }
        print("\(passed) passed, \(failed) failed")
        return failed == 0
    }
}
