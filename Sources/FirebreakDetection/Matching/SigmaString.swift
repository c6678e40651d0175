/// A Sigma string value: literal text and the wildcards `*` (any run) and `?` (one character).
///
/// In rule text `\*`, `\?` and `\\` stand for a literal `*`, `?` and `\`; a backslash before
/// anything else is itself literal (`C:\Windows` keeps its backslash).
struct SigmaString: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case many
        case one
    }

    var parts: [Part]

    init(parts: [Part]) {
        var merged: [Part] = []
        for part in parts {
            switch (merged.last, part) {
            case (.literal(let a)?, .literal(let b)): merged[merged.count - 1] = .literal(a + b)
            case (.many?, .many): continue
            case (_, .literal(let s)) where s.isEmpty: continue
            default: merged.append(part)
            }
        }
        self.parts = merged
    }

    /// Parses rule text with Sigma's wildcards and escapes.
    init(parsing text: String) {
        var parts: [Part] = []
        var literal = ""
        var escaped = false
        for ch in text {
            if escaped {
                escaped = false
                if ch == "*" || ch == "?" || ch == "\\" {
                    literal.append(ch)
                    continue
                }
                literal.append("\\")
            }
            switch ch {
            case "\\": escaped = true
            case "*": parts.append(.literal(literal)); literal = ""; parts.append(.many)
            case "?": parts.append(.literal(literal)); literal = ""; parts.append(.one)
            default: literal.append(ch)
            }
        }
        if escaped { literal.append("\\") }
        parts.append(.literal(literal))
        self.init(parts: parts)
    }

    /// Plain text with no wildcards.
    init(literal text: String) { self.init(parts: [.literal(text)]) }

    /// The text when there are no wildcards.
    var plainText: String? {
        if parts.isEmpty { return "" }
        if parts.count == 1, case .literal(let s) = parts[0] { return s }
        return nil
    }

    func prepending(_ part: Part) -> SigmaString { SigmaString(parts: [part] + parts) }
    func appending(_ part: Part) -> SigmaString { SigmaString(parts: parts + [part]) }

    /// Applies `transform` to the literal text, leaving wildcards alone.
    func mapLiterals(_ transform: (String) -> [String]) -> [SigmaString] {
        var results: [[Part]] = [[]]
        for part in parts {
            guard case .literal(let s) = part else {
                for i in results.indices { results[i].append(part) }
                continue
            }
            let variants = transform(s)
            results = results.flatMap { prefix in variants.map { prefix + [.literal($0)] } }
        }
        return results.map(SigmaString.init(parts:))
    }

    /// The value as Sigma rule text (wildcards and escapes restored), for messages.
    var ruleText: String {
        parts.map { part -> String in
            switch part {
            case .many: return "*"
            case .one: return "?"
            case .literal(let s):
                var out = ""
                for ch in s {
                    if ch == "*" || ch == "?" || ch == "\\" { out.append("\\") }
                    out.append(ch)
                }
                return out
            }
        }.joined()
    }
}
