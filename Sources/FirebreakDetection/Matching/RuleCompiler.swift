import Foundation

/// Compiles Sigma rules for matching: checks every modifier, value and condition, resolves
/// `%placeholders%`, and turns values into the cheapest checks that decide them.
///
/// Supported: field maps (AND) and lists of maps (OR); value lists (OR, `all` for AND); keyword
/// lists (searched in the event's text, see `KeywordMatcher`); `null`; numbers and booleans by
/// value; the modifiers `contains`, `startswith`, `endswith`, `all`, `re` (with `i`, `m`, `s`),
/// `cidr`, `gt`, `gte`, `lt`, `lte`, `exists`, `fieldref`, `cased`, `expand`, `base64`,
/// `base64offset`, `windash`, and `wide`/`utf16le`/`utf16be`/`utf16` before a base64 modifier.
/// Anything else is a `RuleError` naming it.
public struct RuleCompiler: Sendable {
    public let placeholders: any PlaceholderResolver

    public init(placeholders: any PlaceholderResolver = StaticPlaceholders()) {
        self.placeholders = placeholders
    }

    /// Compiles `rule`; the error names the rule's file and id, and the selection, field or condition at fault.
    public func compile(_ rule: SigmaRule) throws(RuleError) -> CompiledRule {
        let source = rule.errorSource
        let detection = rule.detection
        var selections: [String: Matcher] = [:]
        var fieldPaths: [FieldPath] = []
        var seenPaths = Set<String>()
        func note(_ path: FieldPath) {
            if seenPaths.insert(path.raw).inserted { fieldPaths.append(path) }
        }
        for name in detection.selectionNames {
            guard let selection = detection.selections[name] else { continue }
            selections[name] = try compileSelection(selection, name: name, source: source, note: note)
        }
        var conditions: [Matcher] = []
        for text in detection.conditions {
            let condition = try SigmaCondition.parse(text, selections: detection.selectionNames, source: source)
            conditions.append(Self.build(condition, selections))
        }
        let matcher = (conditions.count == 1 ? conditions[0] : .or(conditions)).optimized()
        let prefilters = Self.pickPrefilters(matcher)
        return CompiledRule(rule: rule, matcher: matcher, prefilters: prefilters, fieldPaths: fieldPaths)
    }

    private static func build(_ condition: SigmaCondition, _ selections: [String: Matcher]) -> Matcher {
        switch condition {
        case .selection(let name): return selections[name] ?? .constant(false)
        case .not(let inner): return .not(build(inner, selections))
        case .and(let terms): return .and(terms.map { build($0, selections) })
        case .or(let terms): return .or(terms.map { build($0, selections) })
        case .oneOf(let names): return .or(names.map { selections[$0] ?? .constant(false) })
        case .allOf(let names): return .and(names.map { selections[$0] ?? .constant(false) })
        }
    }

    /// At most two required equalities, `eventName` and `eventSource` first (they reject most events).
    private static func pickPrefilters(_ matcher: Matcher) -> [FieldMatcher] {
        let required = matcher.requiredEqualities()
        guard !required.isEmpty else { return [] }
        func rank(_ f: FieldMatcher) -> Int {
            switch f.path.raw {
            case "eventName": return 0
            case "eventSource": return 1
            default: return 2
            }
        }
        return Array(required.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
            .map(\.element).prefix(2))
    }

    // MARK: Selections

    private func compileSelection(_ selection: SigmaSelection, name: String, source: String,
                                  note: (FieldPath) -> Void) throws(RuleError) -> Matcher {
        switch selection {
        case .keywords(let values):
            var patterns: [StringPattern] = []
            for value in values {
                if case .null = value {
                    throw RuleError(.invalidValue, source: source, "selection '\(name)': a keyword cannot be null")
                }
                let text: SigmaString
                if case .string(let s) = value { text = SigmaString(parsing: s) } else { text = SigmaString(literal: value.description) }
                patterns.append(StringPattern(text.prepending(.many).appending(.many), cased: false))
            }
            return .keywords(KeywordMatcher(patterns: patterns))
        case .maps(let maps):
            var alternatives: [Matcher] = []
            for map in maps {
                var items: [Matcher] = []
                for item in map {
                    let field = try compileItem(item, selection: name, source: source)
                    note(field.path)
                    if case .fieldref(let others, _, _) = field.mode { others.forEach(note) }
                    items.append(.field(field))
                }
                alternatives.append(items.count == 1 ? items[0] : .and(items))
            }
            return alternatives.count == 1 ? alternatives[0] : .or(alternatives)
        }
    }

    /// Values while modifiers are applied to them.
    private enum Working {
        case text(SigmaString)
        case scalar(SigmaScalar)
        case addresses(IPSet)
        case domains(DomainSet)
        /// Encoded bytes (`wide` and friends) awaiting `base64`.
        case bytes([UInt8])
    }

    private func compileItem(_ item: SigmaFieldItem, selection: String, source: String) throws(RuleError) -> FieldMatcher {
        let at = "selection '\(selection)', field '\(item.key)'"
        func fail(_ kind: RuleError.Kind, _ message: String) -> RuleError {
            RuleError(kind, source: source, "\(at): \(message)")
        }
        guard !item.field.isEmpty else {
            throw fail(.unsupported, "modifiers on keywords (an empty field name) are not supported")
        }
        var modifiers: [SigmaModifier] = []
        for name in item.modifiers {
            guard let modifier = SigmaModifier(name: name) else {
                throw fail(.unsupported, "unknown or unsupported modifier '\(name)'")
            }
            modifiers.append(modifier)
        }
        let all = modifiers.contains(.all)
        let cased = modifiers.contains(.cased)
        let comparisons = modifiers.filter(\.isComparison)
        if comparisons.count > 1 {
            throw fail(.invalidRule, "modifiers '\(comparisons.map(\.rawValue).joined(separator: "', '"))' cannot be combined")
        }
        let comparison = comparisons.first
        let reFlags = modifiers.filter { $0 == .i || $0 == .m || $0 == .s }
        if !reFlags.isEmpty && comparison != .re {
            throw fail(.invalidRule, "modifier '\(reFlags[0].rawValue)' is only valid after 're'")
        }
        let transforms = modifiers.filter(\.isTransformation)
        if let comparison, let bad = transforms.first(where: { $0 != .expand }) {
            throw fail(.invalidRule, "modifier '\(bad.rawValue)' cannot be combined with '\(comparison.rawValue)'")
        }
        let path = FieldPath(item.field)

        // Placeholders first wherever `expand` stands (it only rewrites the values it finds).
        var values: [Working] = item.values.map { scalar in
            if case .string(let s) = scalar { return .text(comparison == nil ? SigmaString(parsing: s) : SigmaString(literal: s)) }
            return .scalar(scalar)
        }
        if modifiers.contains(.expand) {
            values = try expand(values, at: at, source: source)
        }

        switch comparison {
        case .exists?:
            guard values.count == 1, case .scalar(.bool(let expected)) = values[0] else {
                throw fail(.invalidValue, "'exists' needs the value true or false")
            }
            return FieldMatcher(path: path, mode: .exists(expected))
        case .fieldref?:
            var others: [FieldPath] = []
            for value in values {
                guard case .text(let s) = value, let name = s.plainText, !name.isEmpty else {
                    throw fail(.invalidValue, "'fieldref' needs field names as values")
                }
                others.append(FieldPath(name))
            }
            return FieldMatcher(path: path, mode: .fieldref(others, cased: cased, all: all))
        case .gt?, .gte?, .lt?, .lte?:
            let op = ValuePredicate.Comparison(rawValue: comparison!.rawValue)!
            var predicates: [ValuePredicate] = []
            for value in values {
                let number: Double?
                switch value {
                case .scalar(.int(let i)): number = Double(i)
                case .scalar(.double(let d)): number = d
                case .text(let s): number = s.plainText.flatMap { Double($0) }
                default: number = nil
                }
                guard let number else { throw fail(.invalidValue, "'\(op.rawValue)' needs a number") }
                predicates.append(.compare(op, number))
            }
            return FieldMatcher(path: path, mode: .values(predicates, all: all, orNull: false))
        case .cidr?:
            let sets = try cidrEach(values, at: at, source: source)
            let predicates: [ValuePredicate] = all ? sets.map { .addresses($0) } : [.addresses(sets.reduce(IPSet()) { $0.union($1) })]
            return FieldMatcher(path: path, mode: .values(predicates, all: all, orNull: false))
        case .re?:
            var predicates: [ValuePredicate] = []
            for value in values {
                guard case .text(let s) = value, let pattern = s.plainText else {
                    if case .addresses = value { throw fail(.invalidValue, "'re' cannot use an address-list placeholder") }
                    if case .domains = value { throw fail(.invalidValue, "'re' cannot use a domain-list placeholder") }
                    throw fail(.invalidValue, "'re' needs a regular expression string")
                }
                guard let regex = RegexPredicate(pattern, caseInsensitive: reFlags.contains(.i), multiline: reFlags.contains(.m),
                                                 dotAll: reFlags.contains(.s)) else {
                    throw fail(.invalidValue, "'\(pattern)' is not a valid regular expression")
                }
                predicates.append(.regex(regex))
            }
            return FieldMatcher(path: path, mode: .values(predicates, all: all, orNull: false))
        default:
            break
        }

        // Plain comparison: apply the transformations in order.
        for modifier in transforms where modifier != .expand {
            var next: [Working] = []
            for value in values {
                next += try transform(value, modifier, at: at, source: source)
            }
            values = next
        }
        var predicates: [ValuePredicate] = []
        var orNull = false
        for value in values {
            switch value {
            case .text(let s): predicates.append(.string(StringPattern(s, cased: cased)))
            case .scalar(.null): orNull = true
            case .scalar(.bool(let b)): predicates.append(.bool(b))
            case .scalar(.int(let i)): predicates.append(.number(Double(i)))
            case .scalar(.double(let d)): predicates.append(.number(d))
            case .scalar(.string(let s)): predicates.append(.string(StringPattern(SigmaString(parsing: s), cased: cased)))
            case .addresses(let set): predicates.append(.addresses(set))
            case .domains(let set): predicates.append(.domains(set))
            case .bytes: throw fail(.invalidRule, "'wide'/'utf16' must be followed by 'base64' or 'base64offset'")
            }
        }
        if orNull && all {
            throw fail(.unsupported, "'null' cannot be combined with 'all'")
        }
        return FieldMatcher(path: path, mode: .values(predicates, all: all, orNull: orNull))
    }

    /// One address set per value: a CIDR or address string, or an expanded address list.
    private func cidrEach(_ values: [Working], at: String, source: String) throws(RuleError) -> [IPSet] {
        var sets: [IPSet] = []
        for value in values {
            switch value {
            case .addresses(let set): sets.append(set)
            case .text(let s):
                do throws(IPSetError) { sets.append(try IPSet(parsing: [s.plainText ?? s.ruleText])) } catch {
                    throw RuleError(.invalidValue, source: source, "\(at): 'cidr': \(error)")
                }
            default: throw RuleError(.invalidValue, source: source, "\(at): 'cidr' needs CIDR strings such as 10.0.0.0/8")
            }
        }
        return sets
    }

    // MARK: Transformations

    private func transform(_ value: Working, _ modifier: SigmaModifier, at: String, source: String) throws(RuleError) -> [Working] {
        func fail(_ message: String) -> RuleError { RuleError(.invalidValue, source: source, "\(at): \(message)") }
        // Numbers and booleans become their text under a string transformation; null stays null.
        var text: SigmaString
        switch value {
        case .scalar(.null): return [value]
        case .scalar(let scalar): text = SigmaString(literal: scalar.description)
        case .text(let s): text = s
        case .addresses:
            throw fail("'\(modifier.rawValue)' cannot apply to an address-list placeholder")
        case .domains:
            throw fail("'\(modifier.rawValue)' cannot apply to a domain-list placeholder (it already matches subdomains)")
        case .bytes(let bytes):
            switch modifier {
            case .base64: return [.text(SigmaString(literal: Data(bytes).base64EncodedString()))]
            case .base64offset: return Self.base64Offsets(bytes).map { .text(SigmaString(literal: $0)) }
            default: throw fail("'\(modifier.rawValue)' cannot follow an encoding modifier; use 'base64' or 'base64offset'")
            }
        }
        switch modifier {
        case .contains: return [.text(text.prepending(.many).appending(.many))]
        case .startswith: return [.text(text.appending(.many))]
        case .endswith: return [.text(text.prepending(.many))]
        case .windash:
            let variants = text.mapLiterals(Self.windashVariants)
            if variants.count > 4096 { throw fail("'windash' would expand '\(text.ruleText)' to too many variants") }
            return variants.map { .text($0) }
        case .base64, .base64offset, .wide, .utf16le, .utf16be, .utf16:
            guard let plain = text.plainText else {
                throw fail("'\(modifier.rawValue)' cannot encode the wildcards of '\(text.ruleText)'")
            }
            switch modifier {
            case .base64: return [.text(SigmaString(literal: Data(plain.utf8).base64EncodedString()))]
            case .base64offset: return Self.base64Offsets(Array(plain.utf8)).map { .text(SigmaString(literal: $0)) }
            case .wide, .utf16le: return [.bytes(Self.utf16(plain, bigEndian: false, bom: false))]
            case .utf16be: return [.bytes(Self.utf16(plain, bigEndian: true, bom: false))]
            default: return [.bytes(Self.utf16(plain, bigEndian: false, bom: true))]
            }
        default:
            return [.text(text)]
        }
    }

    /// The three base64 renderings of `bytes` at offsets 0, 1 and 2 of a longer text, trimmed to
    /// the characters that do not depend on the surrounding bytes (as pySigma does).
    static func base64Offsets(_ bytes: [UInt8]) -> [String] {
        let starts = [0, 2, 3]
        let ends = [0, -3, -2]
        var out: [String] = []
        for i in 0..<3 {
            let encoded = Array(Data(Array(repeating: UInt8(ascii: " "), count: i) + bytes).base64EncodedString().utf8)
            let end = ends[(bytes.count + i) % 3]
            let upper = end == 0 ? encoded.count : encoded.count + end
            guard upper > starts[i] else { continue }
            out.append(String(decoding: encoded[starts[i]..<upper], as: UTF8.self))
        }
        return out
    }

    private static func utf16(_ text: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
        var out: [UInt8] = bom ? [0xFF, 0xFE] : []
        for unit in text.utf16 {
            let hi = UInt8(unit >> 8), lo = UInt8(unit & 0xFF)
            out += bigEndian ? [hi, lo] : [lo, hi]
        }
        return out
    }

    /// `windash`: every `-` or `/` that starts a word (after a non-word character or the start,
    /// before a word character) in each of its forms: `-`, `/`, en dash, em dash, horizontal bar.
    static func windashVariants(_ text: String) -> [String] {
        let dashes: [Character] = ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"]
        let chars = Array(text)
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        var results: [String] = [""]
        for (i, c) in chars.enumerated() {
            let flag = (c == "-" || c == "/") && (i == 0 || !isWord(chars[i - 1])) && i + 1 < chars.count && isWord(chars[i + 1])
            if flag {
                results = results.flatMap { prefix in dashes.map { prefix + String($0) } }
            } else {
                for j in results.indices { results[j].append(c) }
            }
        }
        return results
    }

    // MARK: Placeholders

    private func expand(_ values: [Working], at: String, source: String) throws(RuleError) -> [Working] {
        var out: [Working] = []
        for value in values {
            guard case .text(let s) = value else { out.append(value); continue }
            out += try expand(s, at: at, source: source)
        }
        return out
    }

    /// Replaces each `%name%` in the literal text of `string`: a value list gives one string per
    /// value (values may hold wildcards); an address list must be the whole value.
    private func expand(_ string: SigmaString, at: String, source: String) throws(RuleError) -> [Working] {
        var results: [[SigmaString.Part]] = [[]]
        for part in string.parts {
            guard case .literal(let text) = part, text.contains("%") else {
                for i in results.indices { results[i].append(part) }
                continue
            }
            var rest = text[...]
            while let open = rest.firstIndex(of: "%"),
                  let close = rest[rest.index(after: open)...].firstIndex(of: "%") {
                let name = String(rest[rest.index(after: open)..<close])
                let before = String(rest[..<open])
                for i in results.indices { results[i].append(.literal(before)) }
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_.-".contains($0) }) else {
                    for i in results.indices { results[i].append(.literal("%" + name)) }
                    rest = rest[close...]
                    continue
                }
                guard let resolved = placeholders.resolve(name) else {
                    throw RuleError(.unknownPlaceholder, source: source, "\(at): placeholder '%\(name)%' is not bound")
                }
                switch resolved {
                case .values(let values):
                    results = results.flatMap { prefix in values.map { prefix + SigmaString(parsing: $0).parts } }
                case .addresses(let set):
                    guard string.parts.count == 1, text == "%\(name)%" else {
                        throw RuleError(.invalidValue, source: source,
                                        "\(at): address-list placeholder '%\(name)%' must be the whole value")
                    }
                    return [.addresses(set)]
                case .domains(let set):
                    guard string.parts.count == 1, text == "%\(name)%" else {
                        throw RuleError(.invalidValue, source: source,
                                        "\(at): domain-list placeholder '%\(name)%' must be the whole value")
                    }
                    return [.domains(set)]
                }
                rest = rest[rest.index(after: close)...]
            }
            for i in results.indices { results[i].append(.literal(String(rest))) }
        }
        return results.map { .text(SigmaString(parts: $0)) }
    }
}
