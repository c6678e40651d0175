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

/// A compiled `SigmaString`: wildcard patterns reduced to equality, prefix, suffix, contains or
/// prefix-and-suffix checks where they allow it, else a byte-level glob.
///
/// Case-insensitive patterns are lowercased once; an ASCII value is compared with ASCII case
/// folding on its UTF-8 bytes (no copy); a value with non-ASCII bytes is lowercased first.
final class StringPattern: Sendable {
    enum Kind: Sendable, Equatable {
        case equals
        case prefix
        case suffix
        case contains
        /// `first*last`: `literal` is the prefix, `second` the suffix.
        case prefixSuffix
        /// A lone `*`: any string.
        case any
        case glob
    }

    let kind: Kind
    let cased: Bool
    let literal: [UInt8]
    let second: [UInt8]
    /// For `.glob`: the pattern's parts, literals as (lowercased) bytes.
    let globParts: [GlobPart]

    enum GlobPart: Sendable, Equatable {
        case bytes([UInt8])
        case many
        case one
    }

    init(_ string: SigmaString, cased: Bool) {
        self.cased = cased
        func bytes(_ s: String) -> [UInt8] { Array((cased ? s : s.lowercased()).utf8) }
        let p = string.parts
        var kind = Kind.glob
        var literal: [UInt8] = []
        var second: [UInt8] = []
        switch p.count {
        case 0:
            kind = .equals
        case 1:
            switch p[0] {
            case .literal(let s): kind = .equals; literal = bytes(s)
            case .many: kind = .any
            case .one: kind = .glob
            }
        case 2:
            if case .literal(let s) = p[0], p[1] == .many { kind = .prefix; literal = bytes(s) }
            if case .literal(let s) = p[1], p[0] == .many { kind = .suffix; literal = bytes(s) }
        case 3:
            if case .literal(let s) = p[1], p[0] == .many, p[2] == .many { kind = .contains; literal = bytes(s) }
            if case .literal(let a) = p[0], p[1] == .many, case .literal(let b) = p[2] {
                kind = .prefixSuffix; literal = bytes(a); second = bytes(b)
            }
        default:
            break
        }
        self.kind = kind
        self.literal = literal
        self.second = second
        self.globParts = kind == .glob ? p.map { part in
            switch part {
            case .literal(let s): return .bytes(bytes(s))
            case .many: return .many
            case .one: return .one
            }
        } : []
    }

    /// True when `value` matches.
    @inline(__always)
    func matches(_ value: String) -> Bool {
        if kind == .any { return true }
        if let result = value.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return result }
        var copy = value
        return copy.withUTF8 { matches(bytes: $0) }
    }

    private func matches(bytes value: UnsafeBufferPointer<UInt8>) -> Bool {
        if cased || ASCII.isASCII(value) {
            return match(value, fold: !cased)
        }
        var lowered = String(decoding: value, as: UTF8.self).lowercased()
        return lowered.withUTF8 { match($0, fold: false) }
    }

    private func match(_ v: UnsafeBufferPointer<UInt8>, fold: Bool) -> Bool {
        switch kind {
        case .equals:
            return v.count == literal.count && ASCII.equal(v, 0, literal, fold: fold)
        case .prefix:
            return v.count >= literal.count && ASCII.equal(v, 0, literal, fold: fold)
        case .suffix:
            return v.count >= literal.count && ASCII.equal(v, v.count - literal.count, literal, fold: fold)
        case .contains:
            return ASCII.find(literal, in: v, from: 0, fold: fold) != nil
        case .prefixSuffix:
            return v.count >= literal.count + second.count && ASCII.equal(v, 0, literal, fold: fold)
                && ASCII.equal(v, v.count - second.count, second, fold: fold)
        case .any:
            return true
        case .glob:
            return glob(v, fold: fold)
        }
    }

    /// Backtracking glob over bytes: `?` consumes one UTF-8 scalar, `*` any run.
    private func glob(_ v: UnsafeBufferPointer<UInt8>, fold: Bool) -> Bool {
        var pi = 0, vi = 0
        var starPart = -1, starValue = 0
        while true {
            if pi < globParts.count {
                switch globParts[pi] {
                case .many:
                    starPart = pi
                    starValue = vi
                    pi += 1
                    continue
                case .one:
                    if vi < v.count {
                        vi += 1
                        while vi < v.count && v[vi] & 0xC0 == 0x80 { vi += 1 }
                        pi += 1
                        continue
                    }
                case .bytes(let b):
                    if vi + b.count <= v.count && ASCII.equal(v, vi, b, fold: fold) {
                        vi += b.count
                        pi += 1
                        continue
                    }
                }
            } else if vi == v.count {
                return true
            }
            // Mismatch: let the last `*` take one more byte, or fail.
            guard starPart >= 0, starValue < v.count else { return false }
            starValue += 1
            vi = starValue
            pi = starPart + 1
        }
    }
}

/// Byte helpers for ASCII case folding.
enum ASCII {
    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { (b &- 65) < 26 ? b | 0x20 : b }

    @inline(__always)
    static func isASCII(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = v.count
        guard let base = v.baseAddress else { return true }
        while i + 8 <= n {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if base[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// `v[at..<at+p.count] == p`, folding `v`'s ASCII letters when `fold` (`p` is already lowercase).
    @inline(__always)
    static func equal(_ v: UnsafeBufferPointer<UInt8>, _ at: Int, _ p: [UInt8], fold: Bool) -> Bool {
        p.withUnsafeBufferPointer { p in
            var i = 0
            if fold {
                while i < p.count {
                    if lower(v[at + i]) != p[i] { return false }
                    i += 1
                }
            } else {
                while i < p.count {
                    if v[at + i] != p[i] { return false }
                    i += 1
                }
            }
            return true
        }
    }

    /// First index of `p` in `v` at or after `from`.
    static func find(_ p: [UInt8], in v: UnsafeBufferPointer<UInt8>, from: Int, fold: Bool) -> Int? {
        guard !p.isEmpty else { return from <= v.count ? from : nil }
        guard v.count >= p.count else { return nil }
        let first = p[0]
        var i = from
        let last = v.count - p.count
        while i <= last {
            let b = fold ? lower(v[i]) : v[i]
            if b == first && equal(v, i, p, fold: fold) { return i }
            i += 1
        }
        return nil
    }
}
