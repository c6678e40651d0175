internal import COpenSSL

/// HMAC through OpenSSL's one-shot `HMAC()`.
public enum HMAC {
    /// HMAC-SHA256 of `data` under `key`: 32 bytes.
    public static func sha256(key: some Collection<UInt8>, data: some Collection<UInt8>) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let result = withContiguousBytes(key) { keyBytes in
            withContiguousBytes(data) { dataBytes in
                mac.withUnsafeMutableBufferPointer { out in
                    // An empty buffer may have no base address; OpenSSL wants a valid pointer even for length 0.
                    COpenSSL.HMAC(EVP_sha256(), keyBytes.baseAddress ?? UnsafeRawPointer(out.baseAddress!), Int32(keyBytes.count),
                                  dataBytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(out.baseAddress!),
                                  dataBytes.count, out.baseAddress, &length)
                }
            }
        }
        precondition(result != nil && length == 32, "HMAC(SHA-256) failed")
        return mac
    }

    /// HMAC-SHA256 of the UTF-8 bytes of `data`.
    public static func sha256(key: some Collection<UInt8>, data: String) -> [UInt8] {
        sha256(key: key, data: Array(data.utf8))
    }
}
