/// A parsed Sigma `condition`, with `1 of` / `all of` already expanded to selection names.
///
/// Grammar (Sigma precedence: `not` binds tighter than `and`, `and` tighter than `or`):
///
///     or      := and ('or' and)*
///     and     := not ('and' not)*
///     not     := 'not' not | primary
///     primary := '(' or ')' | ('1' | 'any' | 'all') 'of' (pattern | 'them') | selection
///
/// A pattern is a selection name with `*` wildcards; `them` is every selection whose name does
/// not start with `_`. Keywords are case-insensitive. The deprecated aggregation syntax
/// (`... | count() by x > 5`) is rejected: use a correlation rule.
public indirect enum SigmaCondition: Sendable, Equatable, CustomStringConvertible {
    case selection(String)
    case not(SigmaCondition)
    case and([SigmaCondition])
    case or([SigmaCondition])
    /// At least one of the named selections (`1 of x*`, `any of them`).
    case oneOf([String])
    /// Every one of the named selections (`all of x*`).
    case allOf([String])

    public var description: String {
        switch self {
        case .selection(let name): return name
        case .not(let c): return "not \(c.parenthesized)"
        case .and(let cs): return cs.map(\.parenthesized).joined(separator: " and ")
        case .or(let cs): return cs.map(\.parenthesized).joined(separator: " or ")
        case .oneOf(let names): return "1 of (\(names.joined(separator: ", ")))"
        case .allOf(let names): return "all of (\(names.joined(separator: ", ")))"
        }
    }

    private var parenthesized: String {
        switch self {
        case .and, .or: return "(\(description))"
        default: return description
        }
    }

    /// Parses `text` against the rule's selection names. `source` names the rule for errors.
    public static func parse(_ text: String, selections: [String], source: String) throws(RuleError) -> SigmaCondition {
        var parser = ConditionParser(text: text, selections: selections, source: source)
        return try parser.parse()
    }

    /// Every selection name the condition refers to.
    public var selectionNames: [String] {
        switch self {
        case .selection(let name): return [name]
        case .not(let c): return c.selectionNames
        case .and(let cs), .or(let cs): return cs.flatMap(\.selectionNames)
        case .oneOf(let names), .allOf(let names): return names
        }
    }
}

/// Recursive-descent parser over the condition's tokens.
private struct ConditionParser {
    enum Token: Equatable {
        case word(String)
        case open
        case close
        case pipe
    }

    let text: String
    let selections: [String]
    let source: String
    var tokens: [Token] = []
    var position = 0

    init(text: String, selections: [String], source: String) {
        self.text = text
        self.selections = selections
        self.source = source
    }

    mutating func parse() throws(RuleError) -> SigmaCondition {
        tokens = tokenize()
        if let pipe = tokens.firstIndex(of: .pipe) {
            _ = pipe
            throw RuleError(.unsupported, source: source,
                            "condition '\(text)': the aggregation syntax ('| count() ...') is deprecated and not supported; "
                                + "write a correlation rule (event_count, value_count) instead")
        }
        guard !tokens.isEmpty else { throw error("is empty") }
        let result = try parseOr()
        if position < tokens.count { throw error("unexpected '\(show(tokens[position]))'") }
        return result
    }

    private func tokenize() -> [Token] {
        var out: [Token] = []
        var word = ""
        func flush() {
            if !word.isEmpty { out.append(.word(word)); word = "" }
        }
        for ch in text {
            switch ch {
            case "(": flush(); out.append(.open)
            case ")": flush(); out.append(.close)
            case "|": flush(); out.append(.pipe)
            case _ where ch.isWhitespace: flush()
            default: word.append(ch)
            }
        }
        flush()
        return out
    }

    private func error(_ message: String) -> RuleError {
        RuleError(.invalidCondition, source: source, "condition '\(text)' \(message)")
    }

    private func show(_ token: Token) -> String {
        switch token {
        case .word(let w): return w
        case .open: return "("
        case .close: return ")"
        case .pipe: return "|"
        }
    }

    private func keyword(_ token: Token?) -> String? {
        if case .word(let w)? = token { return w.lowercased() }
        return nil
    }

    private var current: Token? { position < tokens.count ? tokens[position] : nil }

    private mutating func parseOr() throws(RuleError) -> SigmaCondition {
        var terms = [try parseAnd()]
        while keyword(current) == "or" {
            position += 1
            terms.append(try parseAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func parseAnd() throws(RuleError) -> SigmaCondition {
        var terms = [try parseNot()]
        while keyword(current) == "and" {
            position += 1
            terms.append(try parseNot())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func parseNot() throws(RuleError) -> SigmaCondition {
        if keyword(current) == "not" {
            position += 1
            return .not(try parseNot())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(RuleError) -> SigmaCondition {
        guard let token = current else { throw error("ends where a selection or '(' was expected") }
        switch token {
        case .open:
            position += 1
            let inner = try parseOr()
            guard current == .close else {
                throw error(current == nil ? "is missing a ')'" : "expected ')' but found '\(show(current!))'")
            }
            position += 1
            return inner
        case .close, .pipe:
            throw error("has an unexpected '\(show(token))'")
        case .word(let word):
            let lower = word.lowercased()
            if ["and", "or", "of", "them"].contains(lower) {
                throw error("has '\(word)' where a selection was expected")
            }
            if keyword(position + 1 < tokens.count ? tokens[position + 1] : nil) == "of" {
                let all: Bool
                switch lower {
                case "1", "any": all = false
                case "all": all = true
                default: throw error("has '\(word) of': only '1 of', 'any of' and 'all of' are supported")
                }
                position += 2
                guard case .word(let target)? = current else { throw error("has '\(word) of' without a pattern or 'them'") }
                position += 1
                let names = try expand(target)
                return all ? .allOf(names) : .oneOf(names)
            }
            position += 1
            guard selections.contains(word) else {
                throw error("names '\(word)', which is not a selection of this rule (selections: \(selections.joined(separator: ", ")))")
            }
            return .selection(word)
        }
    }

    private func expand(_ target: String) throws(RuleError) -> [String] {
        if target.lowercased() == "them" {
            let names = selections.filter { !$0.hasPrefix("_") }
            guard !names.isEmpty else { throw error("uses 'them' but the rule has no selections") }
            return names
        }
        let names = selections.filter { Self.glob(target[...], $0[...]) }
        guard !names.isEmpty else { throw error("has the pattern '\(target)', which matches no selection") }
        return names
    }

    /// `*` matches any run of characters (selection patterns have no other wildcard).
    static func glob(_ pattern: Substring, _ name: Substring) -> Bool {
        guard let star = pattern.firstIndex(of: "*") else { return pattern == name }
        let prefix = pattern[..<star]
        guard name.hasPrefix(prefix) else { return false }
        let rest = pattern[pattern.index(after: star)...]
        var candidate = name.dropFirst(prefix.count)
        while true {
            if glob(rest, candidate) { return true }
            if candidate.isEmpty { return false }
            candidate = candidate.dropFirst()
        }
    }
}
