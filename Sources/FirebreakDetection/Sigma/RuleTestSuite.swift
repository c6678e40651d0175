import FirebreakLogs
import Foundation
import Yams

/// The test events kept next to a rule (`<rule>.tests.yaml`): events the rule must match and
/// events it must not. `firebreak rules test` and the test suite run them.
///
/// ```yaml
/// rule: <rule id (or correlation id)>
/// values:                                # optional: value lists bound for this file's cases only
///   deployment_principals: [arn:aws:iam::123456789012:user/ci]
/// match:
///   - name: what it shows
///     flow: "<one flow line>"            # default v2 format, or with flow_format: "${version} ..."
///   - name: ...
///     cloudtrail: { ...a CloudTrail record... }
///   - name: ...
///     route53: { ...a Route 53 Resolver query log record... }
///   - name: ...
///     guardduty: { ...a GuardDuty Finding EventBridge event (or a bare finding)... }
///     elb: "<one ALB access log entry>"
///   - name: ...
///     s3: "<one S3 server access log line>"       # or a CloudWatch Logs JSON record as a mapping
///   - name: ...
///     cloudfront: "<one tab-separated CloudFront log line>"   # or a standard logging (v2) JSON record as a mapping
///     cloudfront_fields: "date time ..."          # optional: the #Fields: header's names (default: the legacy order)
///   - name: a correlation
///     events: [ {flow: "..."}, {flow: "..."} ]
/// nomatch:
///   - ...
/// ```
public struct RuleTestSuite: Sendable {
    public struct Case: Sendable {
        public var name: String
        public var expectMatch: Bool
        public var events: [DecodedEvent]
    }

    public var file: String
    public var ruleID: String
    public var cases: [Case]
    /// Value lists (`%name%`) this file binds for its own cases, in place of the configured ones: how a test shows
    /// what a list entry changes (an operator's `deployment_principals`, say) while the shipped list stays empty.
    public var values: [String: [String]] = [:]

    /// One case's outcome.
    public struct Outcome: Sendable {
        public var file: String
        public var ruleID: String
        public var name: String
        public var expectMatch: Bool
        public var matched: Bool
        public var passed: Bool { expectMatch == matched }
    }

    public static func load(file: String) throws(RuleError) -> RuleTestSuite {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw RuleError(.io, source: file, "cannot read: \((error as NSError).localizedDescription)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw RuleError(.invalidYAML, source: file, String(describing: error))
        }
        guard let root, case .mapping(let mapping) = root, let ruleID = mapping["rule"]?.string else {
            throw RuleError(.invalidRule, source: file, "a rule test file needs `rule: <id>` and `match:`/`nomatch:` lists")
        }
        var cases: [Case] = []
        for (key, expect) in [("match", true), ("nomatch", false)] {
            guard let list = mapping[key] else { continue }
            guard case .sequence(let items) = list else {
                throw RuleError(.invalidRule, source: file, "`\(key)` must be a list of test events")
            }
            for (index, item) in items.enumerated() {
                let name = item["name"]?.string ?? "\(key) #\(index + 1)"
                let events: [DecodedEvent]
                if case .sequence(let sequence)? = item["events"] {
                    var collected: [DecodedEvent] = []
                    for node in sequence { collected += try event(node, file: file, name: name) }
                    events = collected
                } else {
                    events = try event(item, file: file, name: name)
                }
                cases.append(Case(name: name, expectMatch: expect, events: events))
            }
        }
        guard !cases.isEmpty else { throw RuleError(.invalidRule, source: file, "no test events") }
        return RuleTestSuite(file: file, ruleID: ruleID, cases: cases, values: try values(mapping["values"], file: file))
    }

    /// `values:`: a mapping of list names to lists of strings.
    private static func values(_ node: Node?, file: String) throws(RuleError) -> [String: [String]] {
        guard let node else { return [:] }
        guard case .mapping(let mapping) = node else {
            throw RuleError(.invalidRule, source: file, "`values` must map value-list names to lists of strings")
        }
        var out: [String: [String]] = [:]
        for (key, value) in mapping {
            guard let name = key.string, !name.isEmpty else {
                throw RuleError(.invalidRule, source: file, "`values`: a list name must be a string")
            }
            guard case .sequence(let items) = value else {
                throw RuleError(.invalidRule, source: file, "`values.\(name)` must be a list of strings (`[]` for none)")
            }
            out[name] = try items.map { item throws(RuleError) -> String in
                guard case .scalar(let scalar) = item else {
                    throw RuleError(.invalidRule, source: file, "`values.\(name)`: each entry must be a string")
                }
                return scalar.string
            }
        }
        return out
    }

    /// The rule set this file's cases run against: `shared` (the pack compiled once) when the file binds no value
    /// lists, else `loaded` compiled again with its `values` in place of those `placeholders` gives.
    public func ruleSet(shared: RuleSet, loaded: LoadedRules, placeholders: any PlaceholderResolver) -> RuleSet {
        guard !values.isEmpty else { return shared }
        return RuleSet(loaded: loaded, placeholders: PlaceholderOverlay(base: placeholders, overrides: values.mapValues { .values($0) }))
    }

    private static func event(_ node: Node, file: String, name: String) throws(RuleError) -> [DecodedEvent] {
        let context = LogContext(recordIndex: 0)
        if let line = node["flow"]?.string {
            var format = FlowLogFormat.defaultV2
            if let text = node["flow_format"]?.string {
                do {
                    format = try FlowLogFormat(parsing: text)
                } catch {
                    throw RuleError(.invalidValue, source: file, "\(name): flow_format: \(error)")
                }
            }
            do {
                return [DecodedEvent(event: .flow(try FlowLogParser(format: format).parse(line)), context: context)]
            } catch {
                throw RuleError(.invalidValue, source: file, "\(name): flow line: \(error)")
            }
        }
        if let record = node["cloudtrail"] {
            return [DecodedEvent(event: .cloudTrail(CloudTrailRecord(record: YAMLJSON.convert(record), envelope: .bare)), context: context)]
        }
        if let record = node["route53"] {
            let value = YAMLJSON.convert(record)
            guard Route53QueryRecord.looksLikeRecord(value) else {
                throw RuleError(.invalidValue, source: file, "\(name): route53: needs query_name, query_type and query_timestamp")
            }
            return [DecodedEvent(event: .dnsQuery(Route53QueryRecord(record: value)), context: context)]
        }
        if let event = node["guardduty"] {
            guard let finding = GuardDutyFinding.decode(YAMLJSON.convert(event)) else {
                throw RuleError(.invalidValue, source: file,
                                "\(name): guardduty: needs a `GuardDuty Finding` EventBridge event (or a bare finding)")
            }
            return [DecodedEvent(event: .guardDuty(finding), context: context)]
        }
        if let line = node["elb"]?.string {
            do {
                return [DecodedEvent(event: .alb(try ALBLogParser.parse(line)), context: context)]
            } catch {
                throw RuleError(.invalidValue, source: file, "\(name): elb line: \(error)")
            }
        }
        if let event = node["s3"] {
            return [DecodedEvent(event: .s3Access(try s3Record(event, file: file, name: name)), context: context)]
        }
        if let event = node["cloudfront"] {
            return [DecodedEvent(event: .cloudFront(try cloudFrontRecord(event, fields: node["cloudfront_fields"], file: file,
                                                                         name: name)), context: context)]
        }
        throw RuleError(.invalidRule, source: file,
                        "\(name): an event needs `flow:`, `cloudtrail:`, `route53:`, `guardduty:`, `elb:`, `s3:`, "
                            + "`cloudfront:` or `events:`")
    }

    /// `s3:` is one space-delimited S3 server access log line, or a CloudWatch Logs JSON record as a mapping.
    private static func s3Record(_ node: Node, file: String, name: String) throws(RuleError) -> S3AccessLogRecord {
        if let line = node.string {
            do {
                return try S3AccessLogParser.parse(line)
            } catch {
                throw RuleError(.invalidValue, source: file, "\(name): s3 line: \(error)")
            }
        }
        guard let record = S3AccessLogParser.record(json: YAMLJSON.convert(node)) else {
            throw RuleError(.invalidValue, source: file,
                            "\(name): s3: needs operation, a bucket (bucket_name) and a time (request_time)")
        }
        return record
    }

    /// `cloudfront:` is one tab-separated log line (its columns those of `cloudfront_fields:`, a `#Fields:` header's
    /// names, else the legacy file's order), or a standard logging (v2) JSON record as a mapping.
    private static func cloudFrontRecord(_ node: Node, fields: Node?, file: String, name: String) throws(RuleError)
        -> CloudFrontLogRecord
    {
        if let line = node.string {
            do {
                var format = CloudFrontLogFormat.legacy
                if let header = fields?.string {
                    format = try CloudFrontLogFormat(fields: header.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
                }
                return try CloudFrontLogParser.parse(line, format: format)
            } catch {
                throw RuleError(.invalidValue, source: file, "\(name): cloudfront line: \(error)")
            }
        }
        guard let record = CloudFrontLogParser.record(json: YAMLJSON.convert(node)) else {
            throw RuleError(.invalidValue, source: file,
                            "\(name): cloudfront: needs an x-edge-… member, or c-ip with cs-uri-stem")
        }
        return record
    }

    /// Runs every case against `ruleSet`, each with fresh correlation windows.
    public func run(loaded: LoadedRules, placeholders: any PlaceholderResolver, network: NetworkContext) -> [Outcome] {
        run(ruleSet: RuleSet(loaded: loaded, placeholders: placeholders), network: network)
    }

    /// Runs every case against `ruleSet` compiled once, each case with fresh correlation windows.
    public func run(ruleSet: RuleSet, network: NetworkContext) -> [Outcome] {
        cases.map { testCase in
            var set = ruleSet.withFreshCorrelationWindows()
            set.reportsConsumedMatches = true
            var findings: [Finding] = []
            for decoded in testCase.events {
                set.evaluate(DetectionEvent(decoded, network: network), into: &findings)
            }
            let matched = findings.contains { $0.ruleID == ruleID }
            return Outcome(file: file, ruleID: ruleID, name: testCase.name, expectMatch: testCase.expectMatch, matched: matched)
        }
    }

    /// Test files below `paths` (folders searched recursively; a rule file's `.tests.yaml` twin).
    public static func files(in paths: [String]) -> [String] {
        var out: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue, let walker = FileManager.default.enumerator(atPath: path) {
                while let relative = walker.nextObject() as? String {
                    if RuleFileLoader.isTestFile(relative) { out.append((path as NSString).appendingPathComponent(relative)) }
                }
            } else if !isDirectory.boolValue {
                let stem = path.replacingOccurrences(of: ".yaml", with: "").replacingOccurrences(of: ".yml", with: "")
                for twin in [stem + ".tests.yaml", stem + ".tests.yml"] where FileManager.default.fileExists(atPath: twin) {
                    out.append(twin)
                }
            }
        }
        return out.sorted()
    }
}
