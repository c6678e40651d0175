#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the computed fields of a query name are made from.
struct QueryNameFacts {
    let normalized: String
    let labels: [Substring]
    let longestLabel: Int
    let domain: String
    let subdomain: String
    let entropy: Double

    init(_ name: String) {
        var text = name.lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        normalized = text
        labels = text.split(separator: ".", omittingEmptySubsequences: false)
        longestLabel = labels.map(\.utf8.count).max() ?? 0
        if labels.count <= 2 {
            domain = text
            subdomain = ""
        } else {
            domain = labels.suffix(2).joined(separator: ".")
            subdomain = labels.dropLast(2).joined(separator: ".")
        }
        entropy = Self.entropy(of: subdomain.isEmpty ? labels.first.map(String.init) ?? "" : subdomain)
    }

    /// Shannon entropy in bits per byte, rounded to 2 decimals (dots ignored); 0 for an empty text.
    static func entropy(of text: String) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        var total = 0
        for byte in text.utf8 where byte != UInt8(ascii: ".") {
            counts[Int(byte)] += 1
            total += 1
        }
        guard total > 0 else { return 0 }
        var bits = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / Double(total)
            bits -= p * log2(p)
        }
        return (bits * 100).rounded() / 100
    }
}
