import FirebreakTime
import Foundation

/// AWS Signature Version 4 (header signing), as a pure value: a request goes in, the same request with
/// `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials) and `Authorization` comes out.
///
/// The steps are public so tests can compare them byte for byte with the AWS SigV4 test suite:
/// `canonicalRequest` → `stringToSign` → `signature` → `authorization`.
///
/// Rules:
/// - canonical URI: the path as sent (percent-encoded), normalised per RFC 3986 (`.` and `..` removed, empty
///   segments collapsed, a trailing `/` kept), each segment URI-encoded again (so `%` becomes `%25`); empty → `/`.
///   S3 (signing name `s3`) is the exception AWS makes: its path is neither normalised nor encoded twice (each
///   segment decoded and URI-encoded once, empty segments kept), since an object key may hold `//`;
/// - canonical query: names and values percent-decoded then URI-encoded, sorted by name then value, `key=` when
///   there is no value;
/// - canonical headers: names lower-cased, values trimmed with inner whitespace runs (line folds included)
///   collapsed to one space, duplicates joined with `,`, sorted by name. Every header of the request is signed
///   except `Authorization`, `User-Agent`, `Expect`, `Transfer-Encoding` and `X-Amzn-Trace-Id`, which proxies and
///   transports may change;
/// - payload hash: the `X-Amz-Content-SHA256` header when present, else the SHA-256 of the body.
public struct SigV4Signer: Sendable {
    /// The canonical request and the `SignedHeaders` list it covers.
    public struct CanonicalRequest: Sendable, Equatable {
        public var text: String
        /// Lower-case header names joined by `;`.
        public var signedHeaders: String
    }

    public static let algorithm = "AWS4-HMAC-SHA256"

    public var credentials: AWSCredentials
    public var region: String
    /// The signing name (`ec2`, `sns`, `cloudtrail`), not the endpoint host.
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    // MARK: Signing

    /// The request with `Host` (from the URL, when absent), `X-Amz-Date`, `X-Amz-Security-Token` (when the
    /// credentials have a session token) and `Authorization`. Existing headers of those names are replaced in place.
    public func sign(_ request: AWSHTTPRequest, date: Date = Date()) -> AWSHTTPRequest {
        var signed = request
        signed.headers.removeAll { Self.equalsIgnoringCase($0.name, "authorization") }
        if signed.header("host") == nil, let host = Self.hostHeader(for: request.url) {
            signed.headers.insert((name: "Host", value: host), at: 0)
        }
        Self.set(&signed.headers, "X-Amz-Date", Self.amzDate(date))
        if let token = credentials.sessionToken {
            Self.set(&signed.headers, "X-Amz-Security-Token", token)
        }
        let canonical = canonicalRequest(signed)
        signed.headers.append((name: "Authorization", value: authorization(canonicalRequest: canonical, date: date)))
        return signed
    }

    /// The `Authorization` header value for a canonical request signed at `date`.
    public func authorization(canonicalRequest: CanonicalRequest, date: Date) -> String {
        let toSign = stringToSign(canonicalRequest: canonicalRequest.text, date: date)
        return "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(date: date)), "
            + "SignedHeaders=\(canonicalRequest.signedHeaders), Signature=\(signature(stringToSign: toSign, date: date))"
    }

    // MARK: Steps

    /// The canonical request of `request` as it will be sent: its URL's percent-encoded path and query, its
    /// headers (plus `Host` from the URL when absent) and its payload hash.
    public func canonicalRequest(_ request: AWSHTTPRequest) -> CanonicalRequest {
        var headers = request.headers
        if request.header("host") == nil, let host = Self.hostHeader(for: request.url) {
            headers.append((name: "Host", value: host))
        }
        let payloadHash = request.header("x-amz-content-sha256") ?? SHA256.hexDigest(request.body)
        return canonicalRequest(method: request.method, path: request.url.path(percentEncoded: true),
                                query: request.url.query(percentEncoded: true), headers: headers,
                                payloadHash: payloadHash)
    }

    /// The canonical request from its parts: `path` and `query` exactly as on the request line (percent-encoded
    /// or raw), `payloadHash` as lower-case hex.
    public func canonicalRequest(method: String, path: String, query: String?, headers: [(name: String, value: String)],
                                 payloadHash: String) -> CanonicalRequest {
        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(headers)
        let uri = service == "s3" ? Self.s3CanonicalURI(path) : Self.canonicalURI(path)
        let text = [method.uppercased(), uri, Self.canonicalQuery(query ?? ""),
                    canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
        return CanonicalRequest(text: text, signedHeaders: signedHeaders)
    }

    /// `AWS4-HMAC-SHA256 \n <X-Amz-Date> \n <scope> \n hex(SHA-256(canonical request))`.
    public func stringToSign(canonicalRequest: String, date: Date) -> String {
        [Self.algorithm, Self.amzDate(date), scope(date: date), SHA256.hexDigest(Array(canonicalRequest.utf8))]
            .joined(separator: "\n")
    }

    /// Lower-case hex HMAC of the string to sign under the signing key of `date`'s day, region and service.
    public func signature(stringToSign: String, date: Date) -> String {
        let key = SigningKeyCache.shared.signingKey(secret: credentials.secretAccessKey, date: Self.scopeDate(date),
                                                    region: region, service: service)
        return Hex.encode(HMAC.sha256(key: key, data: stringToSign))
    }

    /// `yyyymmdd/region/service/aws4_request`.
    public func scope(date: Date) -> String {
        "\(Self.scopeDate(date))/\(region)/\(service)/aws4_request"
    }

    // MARK: Dates

    /// `yyyymmddThhmmssZ` in UTC, the `X-Amz-Date` format.
    public static func amzDate(_ date: Date) -> String {
        let t = utc(date)
        return pad(t.year, 4) + pad(t.month, 2) + pad(t.day, 2) + "T" + pad(t.hour, 2) + pad(t.minute, 2)
            + pad(t.second, 2) + "Z"
    }

    /// `yyyymmdd` in UTC, the credential-scope date.
    public static func scopeDate(_ date: Date) -> String {
        let t = utc(date)
        return pad(t.year, 4) + pad(t.month, 2) + pad(t.day, 2)
    }

    private static func utc(_ date: Date) -> UTCTime {
        let millis = (date.timeIntervalSince1970 * 1000).rounded(.down)
        return UTCTime(clampingMillis: millis.isFinite ? Int64(min(max(millis, -9e15), 9e15)) : 0)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        UTCTime.pad(value, width)
    }

    // MARK: Canonical parts

    /// Headers never signed: the signature itself and those that transports or proxies add or rewrite.
    static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "expect", "transfer-encoding", "x-amzn-trace-id"]

    static func canonicalURI(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var segments: [Substring] = []
        let raw = path.split(separator: "/", omittingEmptySubsequences: false)
        for segment in raw {
            switch segment {
            case "", ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        let trailingSlash = path.hasSuffix("/") || raw.last == "." || raw.last == ".."
        var uri = "/" + segments.map { uriEncode(Array($0.utf8)) }.joined(separator: "/")
        if trailingSlash && !segments.isEmpty { uri += "/" }
        return uri
    }

    /// S3's canonical URI: every segment percent-decoded and URI-encoded once, nothing removed or collapsed.
    static func s3CanonicalURI(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { uriEncode(percentDecode($0)) }
        let uri = segments.joined(separator: "/")
        return uri.hasPrefix("/") ? uri : "/" + uri
    }

    static func canonicalQuery(_ query: String) -> String {
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = piece.firstIndex(of: "=") {
                name = piece[..<equals]
                value = piece[piece.index(after: equals)...]
            } else {
                name = piece
                value = ""
            }
            pairs.append((Array(uriEncode(percentDecode(name)).utf8), Array(uriEncode(percentDecode(value)).utf8)))
        }
        pairs.sort { a, b in
            a.name != b.name ? a.name.lexicographicallyPrecedes(b.name) : a.value.lexicographicallyPrecedes(b.value)
        }
        return pairs.map { String(decoding: $0.name, as: UTF8.self) + "=" + String(decoding: $0.value, as: UTF8.self) }
            .joined(separator: "&")
    }

    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (text: String, signed: String) {
        var values: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased().trimmingCharacters(in: .whitespaces)
            guard !unsignedHeaders.contains(name) else { continue }
            values[name, default: []].append(canonicalHeaderValue(header.value))
        }
        let names = values.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var text = ""
        for name in names {
            text += name + ":" + values[name]!.joined(separator: ",") + "\n"
        }
        return (text, names.joined(separator: ";"))
    }

    /// Trims, and collapses every run of spaces, tabs and line breaks (folded lines) into one space.
    static func canonicalHeaderValue(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0d || byte == 0x0a {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20); pendingSpace = false }
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986 encoding as SigV4 wants it: unreserved bytes kept, everything else `%XX` with upper-case hex.
    static func uriEncode(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-decodes `text`'s bytes; a malformed escape is kept literally. `+` stays `+`.
    static func percentDecode(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: Helpers

    /// `host[:port]` of `url`, the port only when it is not the scheme's default; IPv6 literals in brackets.
    static func hostHeader(for url: URL) -> String? {
        guard var host = url.host(percentEncoded: true), !host.isEmpty else { return nil }
        if host.contains(":") && !host.hasPrefix("[") { host = "[\(host)]" }
        if let port = url.port {
            let scheme = url.scheme?.lowercased()
            if !(scheme == "http" && port == 80) && !(scheme == "https" && port == 443) { host += ":\(port)" }
        }
        return host
    }

    private static func set(_ headers: inout [(name: String, value: String)], _ name: String, _ value: String) {
        if let index = headers.firstIndex(where: { equalsIgnoringCase($0.name, name) }) {
            headers[index].value = value
            var next = index + 1
            while next < headers.count {
                if equalsIgnoringCase(headers[next].name, name) { headers.remove(at: next) } else { next += 1 }
            }
        } else {
            headers.append((name: name, value: value))
        }
    }

    private static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.lowercased() == b.lowercased()
    }
}
