import FirebreakDetection
import FirebreakTime
import Foundation
import Yams

extension PlaybookSet {
    /// Reads and parses a playbooks file.
    public static func load(path: String) throws -> PlaybookSet {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PlaybookError(source: path, message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(yaml: text, source: path)
    }

    /// Parses playbooks YAML; `source` names it in errors. Unknown keys, step names and step options are errors.
    public static func parse(yaml: String, source: String) throws -> PlaybookSet {
        try PlaybookParser(source: source).parse(yaml)
    }
}

/// The YAML reader behind `PlaybookSet.parse(yaml:source:)`.
struct PlaybookParser {
    var source: String

    func fail(_ message: String, _ node: Node? = nil, playbook: String? = nil) -> PlaybookError {
        PlaybookError(source: source, playbook: playbook, line: node?.mark.map { $0.line }, message: message)
    }

    func parse(_ yaml: String) throws -> PlaybookSet {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw PlaybookError(source: source, message: "invalid YAML: \(error)")
        }
        guard let root else { throw fail("empty file: expected a `playbooks` list") }
        guard let mapping = root.mapping else { throw fail("expected a mapping at the top level", root) }
        var set = PlaybookSet(playbooks: [], source: source)
        var sawPlaybooks = false
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "playbooks":
                sawPlaybooks = true
                guard let list = value.sequence else { throw fail("`playbooks` must be a list", value) }
                for item in list { set.playbooks.append(try playbook(item)) }
            case "protected":
                set.protected = try protected(value)
            case "blast_radius":
                set.blastRadius = try blastRadius(value)
            case "idempotency_window":
                set.idempotencyWindowSeconds = try duration(value, "idempotency_window")
            default:
                throw fail("unknown key '\(key)' (expected playbooks, protected, blast_radius, idempotency_window)", keyNode)
            }
        }
        guard sawPlaybooks else { throw fail("missing `playbooks` list", root) }
        var names = Set<String>()
        for playbook in set.playbooks where !names.insert(playbook.name).inserted {
            throw fail("duplicate playbook name", playbook: playbook.name)
        }
        return set
    }

    // MARK: Top-level settings

    func protected(_ node: Node) throws -> ProtectedResources {
        guard let mapping = node.mapping else { throw fail("`protected` must be a mapping (tags, ids)", node) }
        var result = ProtectedResources(tags: [:], ids: [])
        for (keyNode, value) in mapping {
            switch keyNode.string ?? "" {
            case "tags": result.tags = try stringMap(value, "protected.tags")
            case "ids": result.ids = Set(try strings(value, "protected.ids"))
            default: throw fail("unknown key '\(keyNode.string ?? "")' in protected (expected tags, ids)", keyNode)
            }
        }
        return result
    }

    func blastRadius(_ node: Node) throws -> BlastRadius {
        guard let mapping = node.mapping else { throw fail("`blast_radius` must be a mapping (max_destructive, window)", node) }
        var result = BlastRadius()
        for (keyNode, value) in mapping {
            switch keyNode.string ?? "" {
            case "max_destructive":
                guard let n = value.scalar.flatMap({ Int($0.string) }), n >= 0 else {
                    throw fail("blast_radius.max_destructive must be a whole number >= 0", value)
                }
                result.maxDestructive = n
            case "window":
                result.windowSeconds = try duration(value, "blast_radius.window")
            default:
                throw fail("unknown key '\(keyNode.string ?? "")' in blast_radius (expected max_destructive, window)", keyNode)
            }
        }
        return result
    }

    /// `90s`, `10m`, `1h`, `2d` or a number of seconds.
    func duration(_ node: Node, _ what: String) throws -> Int {
        guard let text = node.scalar?.string, let seconds = DurationText.parse(text), seconds > 0 else {
            throw fail("\(what) must be a duration such as 10m, 1h or 3600 (seconds)", node)
        }
        return seconds
    }

    // MARK: Playbooks

    func playbook(_ node: Node) throws -> Playbook {
        guard let mapping = node.mapping else { throw fail("each playbook must be a mapping with name, match and steps", node) }
        guard let name = mapping["name"]?.scalar?.string, !name.isEmpty else { throw fail("playbook without a `name`", node) }
        guard name != ExportPolicy.playbookName else {
            throw fail("the playbook name '\(name)' is reserved for the exports (export.*): choose another", node)
        }
        var description = ""
        var match: PlaybookMatch?
        var scope = PlaybookScope()
        var steps: [PlaybookStep]?
        var fallback = false
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "name": break
            case "description": description = value.scalar?.string ?? ""
            case "match": match = try self.match(value, playbook: name)
            case "scope": scope = try self.scope(value, playbook: name)
            case "steps": steps = try self.steps(value, playbook: name)
            case "fallback":
                guard let flag = value.scalar.flatMap({ Bool.construct(from: $0) }) else {
                    throw fail("fallback must be true or false", value, playbook: name)
                }
                fallback = flag
            default:
                throw fail("unknown key '\(key)' (expected name, description, match, scope, steps, fallback)", keyNode, playbook: name)
            }
        }
        guard let match else { throw fail("missing `match`", node, playbook: name) }
        guard let steps, !steps.isEmpty else { throw fail("missing or empty `steps`", node, playbook: name) }
        // Evidence before containment: no snapshot may follow a stop or terminate.
        if let containment = steps.firstIndex(where: { $0.kind == .stop || $0.kind == .terminate }),
           let late = steps[containment...].first(where: { $0.kind == .snapshot || $0.kind == .protectEvidence }) {
            throw fail("`\(late.kind.rawValue)` must come before `\(steps[containment].kind.rawValue)` (evidence before containment)",
                       node, playbook: name)
        }
        return Playbook(name: name, description: description, match: match, scope: scope, steps: steps, fallback: fallback)
    }

    func match(_ node: Node, playbook: String) throws -> PlaybookMatch {
        guard let mapping = node.mapping else { throw fail("`match` must be a mapping", node, playbook: playbook) }
        var result = PlaybookMatch()
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "rules": result.rules = try strings(value, "match.rules", playbook: playbook)
            case "tags": result.tags = try strings(value, "match.tags", playbook: playbook)
            case "level":
                guard let level = value.scalar.flatMap({ RuleLevel(rawValue: $0.string.lowercased()) }) else {
                    throw fail("match.level must be one of \(RuleLevel.allCases.map(\.rawValue).joined(separator: ", "))",
                               value, playbook: playbook)
                }
                result.level = level
            case "logsource":
                guard let text = value.scalar?.string.lowercased(), ["cloudtrail", "vpcflowlogs", "route53", "guardduty"].contains(text) else {
                    throw fail("match.logsource must be cloudtrail, vpcflowlogs, route53 or guardduty", value, playbook: playbook)
                }
                result.logSource = text
            default:
                throw fail("unknown key '\(key)' in match (expected rules, tags, level, logsource)", keyNode, playbook: playbook)
            }
        }
        if result.isEmpty { throw fail("`match` needs at least one of rules, tags, level, logsource", node, playbook: playbook) }
        return result
    }

    func scope(_ node: Node, playbook: String) throws -> PlaybookScope {
        guard let mapping = node.mapping else { throw fail("`scope` must be a mapping", node, playbook: playbook) }
        var result = PlaybookScope()
        var rest: [(Node, Node)] = []
        for (keyNode, value) in mapping {
            if keyNode.string == "exclude" {
                guard let excluded = value.mapping else { throw fail("scope.exclude must be a mapping", value, playbook: playbook) }
                result.exclude = try selector(Array(excluded), "scope.exclude", playbook: playbook)
            } else {
                rest.append((keyNode, value))
            }
        }
        result.include = try selector(rest, "scope", playbook: playbook)
        return result
    }

    func selector(_ pairs: [(Node, Node)], _ what: String, playbook: String) throws -> ScopeSelector {
        var result = ScopeSelector()
        for (keyNode, value) in pairs {
            let key = keyNode.string ?? ""
            switch key {
            case "accounts": result.accounts = try strings(value, "\(what).accounts", playbook: playbook)
            case "regions": result.regions = try strings(value, "\(what).regions", playbook: playbook)
            case "vpcs": result.vpcs = try strings(value, "\(what).vpcs", playbook: playbook)
            case "subnets": result.subnets = try strings(value, "\(what).subnets", playbook: playbook)
            case "instances": result.instances = try strings(value, "\(what).instances", playbook: playbook)
            case "tags": result.tags = try stringMap(value, "\(what).tags", playbook: playbook)
            default:
                throw fail("unknown key '\(key)' in \(what) (expected accounts, regions, vpcs, subnets, instances, tags"
                           + (what == "scope" ? ", exclude)" : ")"), keyNode, playbook: playbook)
            }
        }
        return result
    }

    func steps(_ node: Node, playbook: String) throws -> [PlaybookStep] {
        guard let list = node.sequence else { throw fail("`steps` must be a list", node, playbook: playbook) }
        var result: [PlaybookStep] = []
        let known = StepKind.allCases.filter(\.isPlaybookStep).map(\.rawValue).joined(separator: ", ")
        for item in list {
            let name: String
            var options: [String: String] = [:]
            var optionsNode: Node?
            if let scalar = item.scalar {
                name = scalar.string
            } else if let mapping = item.mapping, mapping.count == 1, let (keyNode, value) = mapping.first {
                name = keyNode.string ?? ""
                if value.scalar.map({ $0.string.isEmpty || $0.string == "~" || $0.string == "null" }) != true {
                    options = try stringMap(value, "options of step \(name)", playbook: playbook)
                }
                optionsNode = value
            } else {
                throw fail("a step is a name (`- snapshot`) or a name with options (`- alert: {subject: ...}`)", item, playbook: playbook)
            }
            guard let kind = StepKind(rawValue: name) else {
                throw fail("unknown step '\(name)' (expected one of \(known))", item, playbook: playbook)
            }
            guard kind.isPlaybookStep else {
                throw fail("'\(name)' is not a playbook step: Security Hub export is turned on for every finding at or above "
                           + "export.min_level by export.securityhub.enabled", item, playbook: playbook)
            }
            let declaration = StepRegistry.step(kind)
            for key in options.keys.sorted() where !declaration.allowedOptions.contains(key) {
                let expected = declaration.allowedOptions.isEmpty ? "none" : declaration.allowedOptions.sorted().joined(separator: ", ")
                throw fail("unknown option '\(key)' of step \(name) (expected \(expected))", optionsNode ?? item, playbook: playbook)
            }
            for (key, value) in options.sorted(by: { $0.key < $1.key }) {
                if let problem = declaration.problem(option: key, value: value) {
                    throw fail("step \(name): \(problem)", optionsNode ?? item, playbook: playbook)
                }
            }
            for key in declaration.requiredOptions.sorted() where options[key] == nil {
                throw fail("step \(name) needs option '\(key)'", item, playbook: playbook)
            }
            result.append(PlaybookStep(kind, options: options))
        }
        return result
    }

    // MARK: Scalars

    func strings(_ node: Node, _ what: String, playbook: String? = nil) throws -> [String] {
        if let scalar = node.scalar { return [scalar.string] }
        guard let list = node.sequence else { throw fail("\(what) must be a list", node, playbook: playbook) }
        return try list.map { item in
            guard let text = item.scalar?.string else { throw fail("\(what) must hold strings", item, playbook: playbook) }
            return text
        }
    }

    func stringMap(_ node: Node, _ what: String, playbook: String? = nil) throws -> [String: String] {
        guard let mapping = node.mapping else { throw fail("\(what) must be a mapping", node, playbook: playbook) }
        var result: [String: String] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string, let text = value.scalar?.string else {
                throw fail("\(what) must map strings to strings", value, playbook: playbook)
            }
            result[key] = text
        }
        return result
    }
}
