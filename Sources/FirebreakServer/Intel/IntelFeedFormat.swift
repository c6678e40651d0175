import FirebreakDetection
import Foundation

/// How a feed's body is read and checked before it replaces the last good copy.
public enum IntelFeedFormat: String, Sendable, Hashable, CaseIterable {
    /// One IP address or CIDR per line, `#` and `;` comments.
    case plain
    /// IPsum `ipsum.txt`: `IP<TAB>count` (`intel.ipsum_min_count` applies when the list is loaded).
    case ipsum
    /// Spamhaus DROP: the JSON-lines edition (`drop_v4.json`) or the text one (`CIDR ; SBL…`).
    case spamhausDrop = "spamhaus-drop"
    /// abuse.ch Feodo Tracker: `ipblocklist.txt` (IPs, `#` comments) or `ipblocklist.json` (objects with `ip_address`).
    case feodo
    /// One domain per line, `#` comments; written to `<name>.domains`.
    case domains

    /// The longest domain name accepted.
    public static let maxDomainLength = 253

    /// The bytes to write for `body`, checked: throws when it holds no entry (an empty body, an error page).
    /// Feodo JSON is written as plain lines; the other formats are written as received, since the list loader
    /// reads them as they are.
    public func fileContents(_ body: [UInt8], source: String) throws(IntelFeedError) -> (bytes: [UInt8], entries: Int) {
        switch self {
        case .plain, .ipsum, .spamhausDrop:
            let format: IntelListFormat = self == .plain ? .plain : self == .ipsum ? .ipsum : .spamhausDrop
            return (body, try Self.check(body, format: format, source: source))
        case .feodo:
            guard body.first(where: { !(Self.isSpace($0) || $0 == 0x0A) }) == UInt8(ascii: "[") else {
                return (body, try Self.check(body, format: .plain, source: source))
            }
            let lines = try Self.feodoAddresses(body, source: source)
            let text = Array(("# abuse.ch Feodo Tracker (from JSON)\n" + lines.map { $0 + "\n" }.joined()).utf8)
            return (text, try Self.check(text, format: .plain, source: source))
        case .domains:
            let domains = Self.domains(body)
            guard !domains.isEmpty else {
                throw IntelFeedError("\(source): no domain in the body; expected one domain per line")
            }
            return (Array(domains.map { $0 + "\n" }.joined().utf8), domains.count)
        }
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D }

    private static func check(_ body: [UInt8], format: IntelListFormat, source: String) throws(IntelFeedError) -> Int {
        do {
            let list = try IntelListLoader(format: format, minimumCount: 1).parse(body, name: "feed", source: source)
            return list.statistics.entries + list.statistics.belowMinimum
        } catch {
            throw IntelFeedError(error.description)
        }
    }

    private static func feodoAddresses(_ body: [UInt8], source: String) throws(IntelFeedError) -> [String] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body))
        } catch {
            throw IntelFeedError("\(source): not valid JSON: \(error.localizedDescription)")
        }
        guard let rows = parsed as? [Any] else {
            throw IntelFeedError("\(source): expected a JSON array of objects with ip_address")
        }
        return rows.compactMap { ($0 as? [String: Any])?["ip_address"] as? String }
    }

    /// Valid domains of a list, lower-cased; comments, blanks and bad lines left out.
    static func domains(_ body: [UInt8]) -> [String] {
        var out: [String] = []
        for line in String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let domain = text.trimmingCharacters(in: .whitespaces).lowercased()
            if isDomain(domain) { out.append(domain) }
        }
        return out
    }

    static func isDomain(_ text: String) -> Bool {
        guard text.utf8.count <= maxDomainLength, text.contains(".") else { return false }
        let labels = text.hasSuffix(".") ? text.dropLast().split(separator: ".", omittingEmptySubsequences: false)
                                         : text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }
        } && !labels.last!.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
