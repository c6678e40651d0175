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

    /// `matches(_:)` on the UTF-8 of a string (`String.utf8` as it holds it).
    @inline(__always)
    func matches(utf8 value: UnsafeBufferPointer<UInt8>) -> Bool {
        kind == .any || matches(bytes: value)
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
