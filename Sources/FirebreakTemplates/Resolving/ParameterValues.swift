import Foundation
import Yams

/// Values for templates' parameters, as a deployment would give them: `Name=Value` pairs
/// (`--parameter`) and parameters files. They win over the templates' `Default`s in the checks.
public struct ParameterValues: Sendable, Hashable {
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) { self.values = values }

    /// `Name=Value` (the value may contain `=` and be empty; a list parameter takes `a,b,c`).
    public static func pair(_ text: String) throws -> (name: String, value: String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw CheckConfigurationError(path: "--parameter", message: "expected Name=Value, got \"\(text)\"")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// Reads a parameters file in any of the forms deployments use:
    /// - `aws cloudformation create-stack --parameters file://...`: `[{"ParameterKey": "A", "ParameterValue": "x"}]`
    /// - `aws cloudformation deploy --parameter-overrides file://...`: `["A=x", "B=y"]`
    /// - a CodePipeline template configuration: `{"Parameters": {"A": "x"}}`
    /// - a plain JSON or YAML map: `{"A": "x"}`
    /// Numbers and booleans are taken as written; a list value is joined with commas.
    public static func load(path: String) throws -> ParameterValues {
        try parse(try CheckInputFile.text(path: path, what: "the parameters file"), path: path)
    }

    public static func parse(_ text: String, path: String = "<string>") throws -> ParameterValues {
        func fail(_ message: String) -> CheckConfigurationError { CheckConfigurationError(path: path, message: message) }
        let loaded = try CheckInputFile.yaml(text, path: path, kind: "JSON or YAML")
        var values: [String: String] = [:]
        switch loaded {
        case let list as [Any]:
            for (index, item) in list.enumerated() {
                if let pair = item as? String {
                    let (name, value) = try Self.pair(pair)
                    values[name] = value
                } else if let entry = item as? [String: Any], let name = entry["ParameterKey"] as? String {
                    if entry["UsePreviousValue"] as? Bool == true { continue }   // nothing to know statically
                    guard let value = entry["ParameterValue"].flatMap(Self.text) else {
                        throw fail("item \(index + 1): ParameterKey \(name) has no ParameterValue")
                    }
                    values[name] = value
                } else {
                    throw fail("item \(index + 1): expected {ParameterKey, ParameterValue} or \"Name=Value\"")
                }
            }
        case let map as [String: Any]:
            let parameters = (map["Parameters"] as? [String: Any]) ?? map
            for (name, raw) in parameters {
                guard let value = Self.text(raw) else {
                    throw fail("parameter \(name): expected a string, number, boolean or list of them")
                }
                values[name] = value
            }
        case nil:
            break
        default:
            throw fail("expected a list of parameters or a map of parameter names to values")
        }
        return ParameterValues(values)
    }

    /// A scalar as text; a list of scalars joined with commas (`CommaDelimitedList`).
    private static func text(_ value: Any) -> String? {
        switch value {
        case let text as String: return text
        case let flag as Bool: return flag ? "true" : "false"
        case let number as Int: return String(number)
        case let number as Double: return String(number)
        case let list as [Any]:
            let parts = list.compactMap { item -> String? in item is [Any] ? nil : text(item) }
            return parts.count == list.count ? parts.joined(separator: ",") : nil
        default: return nil
        }
    }
}
