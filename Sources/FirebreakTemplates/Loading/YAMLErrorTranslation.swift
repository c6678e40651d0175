import Yams

/// Yams errors as `TemplateLoadError`s with a file, line and column.
enum YAMLErrorTranslation {
    static func error(_ error: YamlError, path: String, text: String) -> TemplateLoadError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? problem
            return TemplateLoadError(path: path, line: mark.line, column: mark.column, message: "invalid YAML/JSON: \(detail)")
        case .reader(let problem, let offset, _, _):
            let (line, column) = offset.map { position(ofUTF8Offset: $0, in: text) } ?? (0, 0)
            return TemplateLoadError(path: path, line: line, column: column, message: "cannot read: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? ""
            let first = context.mark
            let second = secondOccurrence(of: key, after: first, in: text)
            return TemplateLoadError(path: path, line: second?.line ?? first.line, column: second?.column ?? first.column,
                                     message: "duplicate key '\(key)' (first at line \(first.line))")
        default:
            return TemplateLoadError(path: path, line: 0, column: 0, message: "invalid YAML/JSON: \(error)")
        }
    }

    /// Where a key that Yams found twice appears again: the first match after the first occurrence
    /// (`key:`, `"key"` or `'key'`).
    private static func secondOccurrence(of key: String, after mark: Mark, in text: String) -> (line: Int, column: Int)? {
        let candidates = [key + ":", "\"" + key + "\"", "'" + key + "'"]
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            guard lineNumber >= mark.line else { continue }
            var searchFrom = line.startIndex
            if lineNumber == mark.line {
                searchFrom = line.unicodeScalars.index(line.startIndex, offsetBy: mark.column,
                                                      limitedBy: line.endIndex) ?? line.endIndex
            }
            for candidate in candidates {
                if let range = line[searchFrom...].range(of: candidate) {
                    let column = line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: range.lowerBound) + 1
                    return (lineNumber, column)
                }
            }
        }
        return nil
    }

    private static func position(ofUTF8Offset offset: Int, in text: String) -> (Int, Int) {
        var line = 1, column = 1
        for byte in text.utf8.prefix(offset) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }
}
