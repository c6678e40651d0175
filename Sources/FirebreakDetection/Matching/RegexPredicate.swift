import Foundation

/// A compiled `re` value: an `NSRegularExpression` searched (not anchored) in the value, behind a
/// cheap pre-check for a literal the expression cannot match without.
final class RegexPredicate: @unchecked Sendable {
    // @unchecked: both members are immutable after init; NSRegularExpression is documented as
    // safe to use from several threads at once.
    let expression: NSRegularExpression
    /// Lowercased bytes every match must contain (case-insensitively), when one could be found.
    let requiredLiteral: StringPattern?

    /// Compiles `pattern` with the `i`, `m` and `s` sub-modifiers; nil when it is not a valid expression.
    init?(_ pattern: String, caseInsensitive: Bool, multiline: Bool, dotAll: Bool) {
        var options: NSRegularExpression.Options = []
        if caseInsensitive { options.insert(.caseInsensitive) }
        if multiline { options.insert(.anchorsMatchLines) }
        if dotAll { options.insert(.dotMatchesLineSeparators) }
        guard let expression = try? NSRegularExpression(pattern: pattern, options: options) else { return nil }
        self.expression = expression
        let literal = RegexPredicate.requiredLiteral(of: pattern)
        self.requiredLiteral = literal.count >= 2
            ? StringPattern(SigmaString(parts: [.many, .literal(literal), .many]), cased: false) : nil
    }

    func matches(_ value: String) -> Bool {
        if let requiredLiteral, !requiredLiteral.matches(value) { return false }
        return expression.firstMatch(in: value, options: [], range: NSRange(location: 0, length: value.utf16.count)) != nil
    }

    /// The longest run of literal characters at the top level of `pattern` that any match must
    /// contain; empty when none can be proven (alternation at top level, `\Q`, ...). Conservative:
    /// a character followed by `?`, `*` or `{` is not counted, and nothing inside groups or classes is.
    static func requiredLiteral(of pattern: String) -> String {
        let chars = Array(pattern)
        if pattern.contains("\\Q") || hasExtendedFlag(pattern) { return "" }
        var best = "", run = ""
        var depth = 0
        var i = 0
        func endRun() {
            if run.count > best.count { best = run }
            run = ""
        }
        while i < chars.count {
            let c = chars[i]
            var literal: Character?
            var width = 1
            switch c {
            case "\\":
                guard i + 1 < chars.count else { return "" }
                let next = chars[i + 1]
                width = 2
                if !next.isLetter && !next.isNumber { literal = next }
            case "[":
                // Skip the class.
                var j = i + 1
                if j < chars.count && chars[j] == "^" { j += 1 }
                if j < chars.count && chars[j] == "]" { j += 1 }
                while j < chars.count && chars[j] != "]" {
                    if chars[j] == "\\" { j += 1 }
                    j += 1
                }
                width = j - i + 1
            case "(": depth += 1
            case ")": depth -= 1
            case "|": if depth == 0 { return "" }
            case ".", "^", "$", "*", "+", "?", "{", "}": break
            default: literal = c
            }
            let nextIndex = i + width
            let quantified = nextIndex < chars.count && ["?", "*", "{"].contains(chars[nextIndex])
            if let literal, depth == 0, !quantified {
                run.append(literal)
                if nextIndex < chars.count && chars[nextIndex] == "+" { endRun() }
            } else {
                endRun()
            }
            i = nextIndex
        }
        endRun()
        return best
    }

    /// True when an inline option group (`(?x)`, `(?ix:...)`) turns on extended mode, where
    /// whitespace in the pattern is not literal.
    private static func hasExtendedFlag(_ pattern: String) -> Bool {
        var rest = pattern[...]
        while let open = rest.range(of: "(?") {
            let flags = rest[open.upperBound...].prefix { $0.isLetter || $0 == "-" }
            if flags.contains("x") { return true }
            rest = rest[open.upperBound...]
        }
        return false
    }
}
