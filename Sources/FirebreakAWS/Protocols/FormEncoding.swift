/// Percent-encoding for `application/x-www-form-urlencoded` Query bodies.
///
/// Only the unreserved characters `A–Z a–z 0–9 - _ . ~` pass through; every other UTF-8 byte is written
/// `%XX` with upper-case hex (strict RFC 3986), except that a form value writes a space as `+`.
///
/// Why `+`: AWS accepts any valid form encoding (SigV4 hashes the body bytes as sent), but moto verifies
/// signatures over a body it rebuilds from the parsed form fields with Python's `urlencode` (spaces as `+`,
/// everything else as here), so only this encoding — byte-identical to what botocore sends — verifies there.
public enum FormEncoding {
    /// `value` percent-encoded byte by byte per RFC 3986 (a space is `%20`).
    public static func percentEncode(_ value: String) -> String {
        encode(value, spaceAsPlus: false)
    }

    /// `value` encoded as a form name or value: as `percentEncode`, but a space is `+`.
    public static func formEncode(_ value: String) -> String {
        encode(value, spaceAsPlus: true)
    }

    private static func encode(_ value: String, spaceAsPlus: Bool) -> String {
        var out = [UInt8]()
        out.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else if byte == UInt8(ascii: " ") && spaceAsPlus {
                out.append(UInt8(ascii: "+"))
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
        parameters.map { "\(formEncode($0.name))=\(formEncode($0.value))" }.joined(separator: "&")
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
