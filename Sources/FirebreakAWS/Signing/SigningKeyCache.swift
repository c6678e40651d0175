import Synchronization

/// Derived SigV4 signing keys (`kSigning`), shared by every signer in the process.
///
/// Keyed by the SHA-256 of the secret (never the secret itself), the scope date, region and service, so a
/// key is derived once per day per (credentials, region, service). Bounded: when full, the cache is emptied
/// (keys are cheap to derive again: four HMACs).
final class SigningKeyCache: Sendable {
    static let shared = SigningKeyCache(capacity: 64)

    private struct Key: Hashable {
        var secretDigest: [UInt8]
        var date: String
        var region: String
        var service: String
    }

    private let capacity: Int
    private let entries = Mutex<[Key: [UInt8]]>([:])

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// `kSigning` for `secret` on `date` (`yyyymmdd`) in `region` for `service`.
    func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        let key = Key(secretDigest: SHA256.hash(secret), date: date, region: region, service: service)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let derived = Self.derive(secret: secret, date: date, region: region, service: service)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = derived
        }
        return derived
    }

    var count: Int { entries.withLock { $0.count } }

    static func derive(secret: String, date: String, region: String, service: String) -> [UInt8] {
        let kDate = HMAC.sha256(key: Array("AWS4\(secret)".utf8), data: date)
        let kRegion = HMAC.sha256(key: kDate, data: region)
        let kService = HMAC.sha256(key: kRegion, data: service)
        return HMAC.sha256(key: kService, data: "aws4_request")
    }
}
