/// An IAM resource policy (bucket policy, role trust policy, key policy, ...) read for the two questions detection asks
/// of it: does it let everyone in, and which accounts does it let in.
///
/// Only `Allow` statements grant; `Deny` statements are ignored (they narrow, they never open). A statement whose
/// principal is everyone (`"*"`, `{"AWS": "*"}`, or an `Allow` with `NotPrincipal`) is *pinned*, and so not public,
/// when one of its conditions fixes who may call: `aws:SourceVpce`, `aws:SourceVpc`, `aws:PrincipalOrgID`,
/// `aws:PrincipalAccount`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`, `aws:PrincipalArn`, or
/// `aws:SourceIp` with only private ranges — with a positive operator (`StringEquals`, `ArnLike`, `IpAddress`, ...,
/// not a `Not...` one, not `...IfExists`, which passes when the key is absent) and no value that is only wildcards.
public struct ResourcePolicy: Sendable {
    /// The policy's statements (a single statement object counts as a list of one).
    public let statements: [JSONValue]

    public init(statements: [JSONValue]) {
        self.statements = statements
    }

    /// Reads a policy as CloudTrail records it: an object, JSON text, URL-encoded JSON text (older records), or a
    /// one-element list of text. Nil when it is none of these or has no `Statement`.
    public init?(document: JSONValue) {
        switch document {
        case .object:
            guard let statement = document["Statement"] else { return nil }
            switch statement {
            case .array(let elements): self.init(statements: elements)
            case .object: self.init(statements: [statement])
            default: return nil
            }
        case .string(let text):
            let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
            let json: String
            if trimmed.hasPrefix("{") {
                json = String(trimmed)
            } else if trimmed.hasPrefix("%7B") || trimmed.hasPrefix("%7b"), let decoded = Self.percentDecoded(String(trimmed)) {
                json = decoded
            } else {
                return nil
            }
            guard let parsed = try? JSONParser(maxDepth: 32).parse(json) else { return nil }
            self.init(document: parsed)
        case .array(let elements):
            guard let first = elements.first(where: { !($0.stringValue?.isEmpty ?? false) }) else { return nil }
            self.init(document: first)
        default:
            return nil
        }
    }

    /// True when some `Allow` statement lets everyone in and no condition pins the caller.
    public var isPublic: Bool {
        statements.contains { statement in
            Self.isAllow(statement) && Self.principalIsEveryone(statement) && !Self.isPinned(statement)
        }
    }

    /// The 12-digit accounts the `Allow` statements name: in `AWS` and `Federated` principals (ids and ARNs), and in the
    /// account conditions (`aws:PrincipalAccount`, `aws:SourceAccount`, `aws:SourceOwner`) of statements open to
    /// everyone. In document order, without repeats.
    public var accounts: [String] {
        var out: [String] = []
        func add(_ account: String?) {
            if let account, !out.contains(account) { out.append(account) }
        }
        for statement in statements where Self.isAllow(statement) {
            if let principal = statement["Principal"] {
                for key in ["AWS", "Federated"] {
                    for text in Self.texts(principal[key]) { add(AccountID.of(text)) }
                }
                if case .string(let text) = principal { add(AccountID.of(text)) }
            }
            if Self.principalIsEveryone(statement), case .object(let operators)? = statement["Condition"] {
                for (op, keys) in operators where !Self.isNegatedOrOptional(op) {
                    guard case .object(let members) = keys else { continue }
                    for (key, values) in members
                    where ["aws:principalaccount", "aws:sourceaccount", "aws:sourceowner"].contains(key.lowercased()) {
                        for text in Self.texts(values) { add(AccountID.of(text)) }
                    }
                }
            }
        }
        return out
    }

    // MARK: Statements

    static func isAllow(_ statement: JSONValue) -> Bool {
        statement["Effect"]?.stringValue == "Allow"
    }

    /// `Principal: "*"`, `Principal: {"AWS": "*"}` (or a list holding `"*"`), or `NotPrincipal` (everyone but some).
    static func principalIsEveryone(_ statement: JSONValue) -> Bool {
        if statement["NotPrincipal"] != nil { return true }
        guard let principal = statement["Principal"] else { return false }
        if principal.stringValue == "*" { return true }
        return texts(principal["AWS"]).contains("*")
    }

    static func isPinned(_ statement: JSONValue) -> Bool {
        guard case .object(let operators)? = statement["Condition"] else { return false }
        for (op, keys) in operators where !isNegatedOrOptional(op) {
            guard case .object(let members) = keys else { continue }
            for (key, values) in members {
                let texts = texts(values)
                guard !texts.isEmpty, !texts.contains(where: { $0.allSatisfy { $0 == "*" || $0 == "?" } }) else { continue }
                let name = key.lowercased()
                if pinningKeys.contains(name) { return true }
                if name == "aws:sourceip", texts.allSatisfy(PrivateRanges.contains) { return true }
            }
        }
        return false
    }

    /// Condition keys that fix who may call.
    static let pinningKeys: Set<String> = [
        "aws:sourcevpce", "aws:sourcevpc", "aws:principalorgid", "aws:principalaccount", "aws:sourceaccount",
        "aws:sourcearn", "aws:sourceowner", "aws:principalarn",
    ]

    /// `StringNotEquals`, `ForAnyValue:StringNotLike`, `...IfExists`, `Null`: operators that let a caller through
    /// without the key matching a fixed value.
    static func isNegatedOrOptional(_ op: String) -> Bool {
        let lower = op.lowercased()
        return lower.contains("not") || lower.hasSuffix("ifexists") || lower == "null"
    }

    /// A string, or the strings of a list.
    static func texts(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let s)?: return [s]
        case .array(let elements)?: return elements.compactMap(\.stringValue)
        case .int(let i)?: return [String(i)]
        default: return []
        }
    }

    /// `%XX` decoding, `+` as a space (how older CloudTrail records encode policy documents).
    static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Private address ranges (RFC 1918, RFC 6598 shared space, loopback, IPv6 unique-local and link-local): an
/// `aws:SourceIp` condition made only of these pins the caller to a private network.
enum PrivateRanges {
    private static let ranges: [(IPAddress, Int)] = [
        ("10.0.0.0", 8), ("172.16.0.0", 12), ("192.168.0.0", 16), ("100.64.0.0", 10), ("127.0.0.0", 8),
        ("fc00::", 7), ("fe80::", 10),
    ].map { (IPAddress($0.0)!, $0.1) }

    /// True for an address or CIDR inside a private range (a CIDR wider than its range is not).
    static func contains(_ text: String) -> Bool {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddress(String(first)) else { return false }
        let width = address.isIPv4 ? 32 : 128
        let prefix = parts.count == 2 ? Int(parts[1]) ?? -1 : width
        guard prefix >= 0, prefix <= width else { return false }
        return ranges.contains { start, rangePrefix in
            guard start.isIPv4 == address.isIPv4 else { return false }
            let length = address.isIPv4 ? rangePrefix + 96 : rangePrefix
            return prefix >= rangePrefix && Self.samePrefix(address, start, bits: length)
        }
    }

    private static func samePrefix(_ a: IPAddress, _ b: IPAddress, bits: Int) -> Bool {
        if bits <= 64 {
            let mask: UInt64 = bits == 0 ? 0 : ~UInt64(0) << (64 - bits)
            return a.high & mask == b.high & mask
        }
        let mask: UInt64 = bits >= 128 ? ~0 : ~UInt64(0) << (128 - bits)
        return a.high == b.high && a.low & mask == b.low & mask
    }
}
