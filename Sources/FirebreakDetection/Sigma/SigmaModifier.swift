/// A Sigma value modifier (`field|contains|all`), as the compiler supports them.
enum SigmaModifier: String, Sendable, CaseIterable {
    // Value transformations, applied in the order written.
    case contains, startswith, endswith
    case base64, base64offset
    case windash
    case expand
    /// Text encodings for `base64`/`base64offset` (`wide` is `utf16le`; `utf16` adds a byte-order mark).
    case wide, utf16le, utf16be, utf16
    // How the values are combined or compared.
    case all
    case cased
    case re
    /// Sub-modifiers of `re`.
    case i, m, s
    case cidr
    case gt, gte, lt, lte
    case exists
    case fieldref

    /// Parses a modifier name; the long `re` sub-modifier names are accepted too.
    init?(name: String) {
        switch name {
        case "ignorecase": self = .i
        case "multiline": self = .m
        case "dotall": self = .s
        default: self.init(rawValue: name)
        }
    }

    /// Modifiers that decide how values are compared; an item may have at most one.
    var isComparison: Bool {
        switch self {
        case .re, .cidr, .gt, .gte, .lt, .lte, .exists, .fieldref: return true
        default: return false
        }
    }

    var isEncoding: Bool {
        switch self {
        case .wide, .utf16le, .utf16be, .utf16: return true
        default: return false
        }
    }

    var isTransformation: Bool {
        switch self {
        case .contains, .startswith, .endswith, .base64, .base64offset, .windash, .expand: return true
        default: return isEncoding
        }
    }
}
