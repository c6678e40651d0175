import Foundation

/// Checks `X-Amz-Firehose-Access-Key` against the configured keys in constant time.
///
/// Several keys may be active at once so that a key can be rotated without dropping deliveries.
/// The keys are never printed: `description` shows only how many there are.
public struct AccessKeyVerifier: Sendable, CustomStringConvertible {
    private let keys: [[UInt8]]

    public init(keys: [String]) {
        self.keys = keys.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }
    public var description: String { "AccessKeyVerifier(\(keys.count) key(s), redacted)" }

    /// True when `presented` equals one of the keys. The time taken depends only on the lengths
    /// involved, never on where the bytes differ, and every key is compared every time.
    public func accepts(_ presented: String?) -> Bool {
        guard let presented else { return false }
        let candidate = Array(presented.utf8)
        var matched: UInt8 = 0
        for key in keys {
            matched |= Self.constantTimeEquals(candidate, key)
        }
        return matched == 1
    }

    /// 1 when equal, 0 otherwise, comparing every byte of the longer input.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> UInt8 {
        var diff: UInt = UInt(bitPattern: a.count ^ b.count)
        let n = max(a.count, b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            diff |= UInt(x ^ y)
        }
        // diff == 0 → 1, otherwise 0, without a data-dependent branch.
        return UInt8(truncatingIfNeeded: ((diff | (0 &- diff)) >> (UInt.bitWidth - 1)) ^ 1)
    }

    /// Secrets Manager secrets for Firehose have the form `{"api_key": "..."}`; ECS injects the whole
    /// JSON. Returns the `api_key` value of such a document, or the text unchanged.
    public static func unwrapSecret(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{"), let data = trimmed.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let key = object["api_key"] as? String else { return text }
        return key
    }

    /// Reads a key file: one key per line (blank lines ignored), or a Secrets Manager JSON document.
    public static func readKeyFile(_ path: String) throws(ConfigurationError) -> [String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .accessKeyFile(path: path, reason: (error as NSError).localizedDescription)
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") {
            let key = unwrapSecret(trimmed)
            guard key != trimmed else { throw .accessKeyFile(path: path, reason: "JSON without an \"api_key\" string") }
            return [key]
        }
        let keys = trimmed.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !keys.isEmpty else { throw .accessKeyFile(path: path, reason: "the file holds no key") }
        return keys
    }
}
