import Foundation

/// Checks a log line against the structure of the CloudWatch Embedded Metric Format specification
/// (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
/// - the line is one JSON object and nothing else (the root node);
/// - `_aws` is an object with an integer `Timestamp` (milliseconds since 1970) and a `CloudWatchMetrics` array of
///   MetricDirectives, and no other member;
/// - each MetricDirective has exactly a string `Namespace` (1-1024 characters), `Dimensions` (an array of
///   DimensionSets: arrays of at most 30 strings, each naming a top-level member whose value is a non-blank
///   string of at most 1024 characters) and `Metrics` (at most 100 MetricDefinitions);
/// - each MetricDefinition has a string `Name` naming a top-level member that is a number or an array of at most
///   100 numbers, and may have `Unit` (one of the CloudWatch units) and `StorageResolution` (1 or 60), nothing else.
public enum EMFValidator {
    public static let units: Set<String> = [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
        "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
        "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ]
    public static let maxDimensionsPerSet = 30
    public static let maxMetricsPerDirective = 100
    public static let maxValuesPerMetric = 100

    /// True when the line claims to be EMF: a JSON object with an `_aws` member.
    public static func isEMF(_ line: String) -> Bool {
        guard line.hasPrefix("{"), let json = try? OCSFJSON(parsing: line) else { return false }
        return json["_aws"] != nil
    }

    /// What is wrong with `line` as an EMF document; empty when it is valid.
    public static func problems(_ line: String) -> [String] {
        guard let json = try? OCSFJSON(parsing: line), let root = json.objectValue else {
            return ["the line is not one JSON object"]
        }
        guard let aws = root["_aws"]?.objectValue else { return ["_aws is missing or not an object"] }
        var out: [String] = []
        for key in aws.keys where key != "Timestamp" && key != "CloudWatchMetrics" {
            out.append("_aws has an unknown member \(key)")
        }
        if let timestamp = aws["Timestamp"]?.intValue {
            if timestamp <= 0 { out.append("_aws.Timestamp \(timestamp) is not milliseconds since 1970") }
        } else {
            out.append("_aws.Timestamp is missing or not an integer")
        }
        guard let directives = aws["CloudWatchMetrics"]?.arrayValue else {
            return out + ["_aws.CloudWatchMetrics is missing or not an array"]
        }
        for (index, directive) in directives.enumerated() {
            out += directiveProblems(directive, root: root).map { "CloudWatchMetrics[\(index)]: \($0)" }
        }
        return out
    }

    private static func directiveProblems(_ directive: OCSFJSON, root: [String: OCSFJSON]) -> [String] {
        guard let members = directive.objectValue else { return ["not an object"] }
        var out: [String] = []
        for key in members.keys where !["Namespace", "Dimensions", "Metrics"].contains(key) {
            out.append("unknown member \(key)")
        }
        if let namespace = members["Namespace"]?.stringValue {
            if namespace.isEmpty || namespace.count > 1024 { out.append("Namespace must have 1 to 1024 characters") }
        } else {
            out.append("Namespace is missing or not a string")
        }
        if let sets = members["Dimensions"]?.arrayValue {
            for (index, set) in sets.enumerated() {
                guard let keys = set.arrayValue else {
                    out.append("Dimensions[\(index)] is not an array")
                    continue
                }
                if keys.count > maxDimensionsPerSet { out.append("Dimensions[\(index)] has \(keys.count) keys (at most 30)") }
                for key in keys {
                    guard let name = key.stringValue, !name.isEmpty, name.count <= 255 else {
                        out.append("Dimensions[\(index)] holds \(key.text), not a dimension name")
                        continue
                    }
                    guard let value = root[name] else {
                        out.append("dimension \(name) is not a member of the root")
                        continue
                    }
                    guard let text = value.stringValue else {
                        out.append("dimension \(name) is \(value.text), not a string")
                        continue
                    }
                    if text.trimmingCharacters(in: .whitespaces).isEmpty || text.count > 1024 {
                        out.append("dimension \(name) must have 1 to 1024 characters, not only blanks")
                    }
                }
            }
        } else {
            out.append("Dimensions is missing or not an array")
        }
        guard let metrics = members["Metrics"]?.arrayValue else { return out + ["Metrics is missing or not an array"] }
        if metrics.count > maxMetricsPerDirective { out.append("Metrics has \(metrics.count) definitions (at most 100)") }
        for metric in metrics {
            guard let definition = metric.objectValue else {
                out.append("a MetricDefinition is not an object")
                continue
            }
            for key in definition.keys where !["Name", "Unit", "StorageResolution"].contains(key) {
                out.append("a MetricDefinition has an unknown member \(key)")
            }
            guard let name = definition["Name"]?.stringValue, !name.isEmpty, name.count <= 1024 else {
                out.append("a MetricDefinition has no Name string")
                continue
            }
            if let unit = definition["Unit"], !(unit.stringValue.map(units.contains) ?? false) {
                out.append("metric \(name) has Unit \(unit.text), not a CloudWatch unit")
            }
            if let resolution = definition["StorageResolution"], resolution.intValue != 1 && resolution.intValue != 60 {
                out.append("metric \(name) has StorageResolution \(resolution.text) (1 or 60)")
            }
            switch root[name] {
            case nil:
                out.append("metric \(name) is not a member of the root")
            case .int?, .double?:
                break
            case .array(let values)?:
                if values.count > maxValuesPerMetric { out.append("metric \(name) has \(values.count) values (at most 100)") }
                if !values.allSatisfy(isNumber) { out.append("metric \(name) has a value that is not a number") }
            case let value?:
                out.append("metric \(name) is \(value.text), not a number or an array of numbers")
            }
        }
        return out
    }

    private static func isNumber(_ value: OCSFJSON) -> Bool {
        switch value {
        case .int, .double: return true
        default: return false
        }
    }
}
