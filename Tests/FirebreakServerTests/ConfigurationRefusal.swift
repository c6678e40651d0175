@testable import FirebreakServer

/// A configuration refused for one variable's value: the error names the key, the variable it came from, and
/// what the key takes.
enum ConfigurationRefusal {
    static func refuses(_ variable: String, _ value: String, key: String, saying expected: String) -> Bool {
        do {
            _ = try ServiceConfiguration.load(environment: [variable: value])
            return false
        } catch {
            guard case .invalidValue(key, let source, _) = error else { return false }
            return source.contains(variable) && error.description.contains(expected)
        }
    }
}
