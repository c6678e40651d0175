import FirebreakTemplates

/// The path of the first place two values differ in content (lines and map order ignored).
enum ContentDifference {
    static func first(_ a: TemplateValue, _ b: TemplateValue, path: String = "") -> String? {
        switch (a, b) {
        case (.map(let x), .map(let y)):
            for entry in x.entries {
                guard let other = y[entry.key] else { return "\(path)/\(entry.key) (only in the first)" }
                if let found = first(entry.value, other, path: "\(path)/\(entry.key)") { return found }
            }
            for key in y.keys where x[key] == nil { return "\(path)/\(key) (only in the second)" }
            return nil
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return "\(path) (\(x.count) vs \(y.count) items)" }
            for (index, pair) in zip(x, y).enumerated() {
                if let found = first(pair.0, pair.1, path: "\(path)/\(index)") { return found }
            }
            return nil
        default:
            return a.sameContent(as: b) ? nil : "\(path): \(a) vs \(b)"
        }
    }
}
