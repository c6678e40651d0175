import Foundation

/// The machine-readable report: `{"errors": [...], "files": [...], "findings": [...], "skipped": [...],
/// "summary": {...}}`,
/// sorted keys, every finding field present (`null` when absent), suppressed findings included with
/// `"suppressed": true`.
public enum JSONReporter {
    public static func render(_ report: CheckReport) -> String {
        let document = Document(
            errors: report.loadErrors.map(LoadErrorEntry.init),
            files: report.files,
            findings: report.ordered(report.findings).map(FindingEntry.init),
            skipped: report.skipped,
            summary: report.summary)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and arrays cannot fail.
        let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    struct Document: Encodable {
        var errors: [LoadErrorEntry]
        var files: [String]
        var findings: [FindingEntry]
        var skipped: [String]
        var summary: CheckSummary
    }

    struct LoadErrorEntry: Encodable {
        var path: String
        var message: String
        var line: Int?
        var column: Int?

        init(_ error: CheckReport.LoadError) {
            path = error.path
            message = error.message
            line = error.line
            column = error.column
        }

        enum CodingKeys: String, CodingKey { case path, message, line, column }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(message, forKey: .message)
            try container.encode(line, forKey: .line)
            try container.encode(column, forKey: .column)
        }
    }

    struct FindingEntry: Encodable {
        var finding: TemplateFinding

        init(_ finding: TemplateFinding) { self.finding = finding }

        enum CodingKeys: String, CodingKey {
            case checkID, level, title, message, path, logicalID, resourceType, line, branch, fix, suppressed, suppressedBy
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(finding.checkID, forKey: .checkID)
            try container.encode(finding.level.rawValue, forKey: .level)
            try container.encode(finding.title, forKey: .title)
            try container.encode(finding.message, forKey: .message)
            try container.encode(finding.path, forKey: .path)
            try container.encode(finding.logicalID, forKey: .logicalID)
            try container.encode(finding.resourceType, forKey: .resourceType)
            try container.encode(finding.line, forKey: .line)
            try container.encode(finding.branch, forKey: .branch)
            try container.encode(finding.fix, forKey: .fix)
            try container.encode(finding.suppressedBy != nil, forKey: .suppressed)
            try container.encode(finding.suppressedBy, forKey: .suppressedBy)
        }
    }
}
