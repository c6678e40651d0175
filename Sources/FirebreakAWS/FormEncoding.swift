/// Strict RFC 3986 percent-encoding for `application/x-www-form-urlencoded` bodies.
///
/// Only the unreserved characters `A–Z a–z 0–9 - _ . ~` pass through; every other UTF-8 byte is
/// written `%XX` with upper-case hex, so a space is `%20` (never `+`). Any valid form encoding
/// works for AWS, since SigV4 hashes the body bytes; this one is deterministic.
public enum FormEncoding {
    /// `value` percent-encoded byte by byte.
    public static func percentEncode(_ value: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `name=value` pairs joined by `&`, in the order given.
    public static func encode(_ parameters: [QueryParameter]) -> String {
        parameters.map { "\(percentEncode($0.name))=\(percentEncode($0.value))" }.joined(separator: "&")
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
