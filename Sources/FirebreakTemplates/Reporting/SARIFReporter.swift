import Foundation

/// SARIF 2.1.0 for GitHub code scanning: one run, one rule per check, one result per finding
/// (suppressed findings carry `suppressions`), load errors as tool execution notifications.
public enum SARIFReporter {
    /// - Parameters:
    ///   - toolVersion: `tool.driver.version`.
    ///   - informationURI: `tool.driver.informationUri` (omitted when nil).
    public static func render(_ report: CheckReport, toolVersion: String, informationURI: String? = nil) -> String {
        let rules = self.rules(report)
        var ruleIndex: [String: Int] = [:]
        for (index, rule) in rules.enumerated() where ruleIndex[rule.id] == nil { ruleIndex[rule.id] = index }

        let results = report.ordered(report.findings).map { finding in
            result(finding, ruleIndex: ruleIndex[finding.checkID] ?? 0)
        }
        let notifications = report.loadErrors.map { error in
            SARIFLog.Notification(
                level: "error",
                message: .init(text: error.message),
                locations: [.init(physicalLocation: .init(
                    artifactLocation: .init(uri: uri(error.path)),
                    region: (error.line ?? 0) > 0
                        ? .init(startLine: error.line ?? 1, startColumn: (error.column ?? 0) > 0 ? error.column : nil)
                        : nil),
                    logicalLocations: nil)])
        }
        let log = SARIFLog(runs: [.init(
            tool: .init(driver: .init(name: "firebreak", informationUri: informationURI, version: toolVersion, rules: rules)),
            invocations: [.init(executionSuccessful: report.loadErrors.isEmpty, toolExecutionNotifications: notifications)],
            results: results)])

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and arrays cannot fail.
        let data = (try? encoder.encode(log)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// One rule per check definition, then one per check id seen only in findings.
    static func rules(_ report: CheckReport) -> [SARIFLog.Rule] {
        var definitions = report.checks
        var known = Set(definitions.map(\.id))
        for finding in report.findings where known.insert(finding.checkID).inserted {
            definitions.append(CheckDefinition(id: finding.checkID, title: finding.title, level: finding.level,
                                               description: finding.title, fix: finding.fix))
        }
        return definitions.map { check in
            SARIFLog.Rule(
                id: check.id,
                name: ruleName(check.title, fallback: check.id),
                shortDescription: .init(text: check.title),
                fullDescription: .init(text: check.description.isEmpty ? check.title : check.description),
                help: .init(text: check.fix.isEmpty ? check.title : check.fix),
                defaultConfiguration: .init(level: check.level.rawValue),
                properties: .init(cfnNag: check.cfnNag, checkov: check.checkov, tags: ["security"],
                                  securitySeverity: check.level == .error ? "8.0" : "5.0"))
        }
    }

    static func result(_ finding: TemplateFinding, ruleIndex: Int) -> SARIFLog.Result {
        let path = uri(finding.path)
        var text = finding.message
        if let branch = finding.branch { text += " (when \(branch))" }
        return SARIFLog.Result(
            ruleId: finding.checkID,
            ruleIndex: ruleIndex,
            level: finding.level.rawValue,
            message: .init(text: text),
            locations: [.init(
                physicalLocation: .init(artifactLocation: .init(uri: path),
                                        region: .init(startLine: max(finding.line, 1), startColumn: nil)),
                logicalLocations: [.init(name: finding.logicalID, kind: "resource",
                                         fullyQualifiedName: "\(path)/\(finding.logicalID)")])],
            partialFingerprints: ["firebreak/v1": fingerprint(finding)],
            suppressions: finding.suppressedBy.map { [.init(kind: suppressionKind($0), justification: $0)] },
            properties: .init(resourceType: finding.resourceType, branch: finding.branch))
    }

    /// `inSource` for a suppression written in the template (`Metadata`), `external` for one from the
    /// exceptions file, told apart by the reason text: one naming an exception is external.
    public static func suppressionKind(_ reason: String) -> String {
        let lowered = reason.lowercased()
        return lowered.hasPrefix("exception") || lowered.contains("exceptions file") ? "external" : "inSource"
    }

    /// A relative URI reference: forward slashes, no leading `./`, the working directory stripped from an
    /// absolute path under it, percent-encoded.
    static func uri(_ path: String) -> String {
        var path = path.replacingOccurrences(of: "\\", with: "/")
        if path.hasPrefix("/") {
            let cwd = FileManager.default.currentDirectoryPath
            let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
            if path.hasPrefix(prefix) { path.removeFirst(prefix.count) }
        }
        while path.hasPrefix("./") { path.removeFirst(2) }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    /// "Security group open to the world" → "SecurityGroupOpenToTheWorld".
    static func ruleName(_ title: String, fallback: String) -> String {
        let words = title.split { !$0.isLetter && !$0.isNumber }
        let name = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return name.isEmpty ? fallback : name
    }

    /// A stable 64-bit FNV-1a hash (hex) of check id, file and logical id: the same finding keeps its
    /// fingerprint when lines move.
    static func fingerprint(_ finding: TemplateFinding) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(finding.checkID)\u{0}\(uri(finding.path))\u{0}\(finding.logicalID)".utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
