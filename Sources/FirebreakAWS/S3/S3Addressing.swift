import Foundation

/// How a request names its bucket: in the path (`https://s3.us-east-1.amazonaws.com/bucket/key`) or in the host
/// (`https://bucket.s3.us-east-1.amazonaws.com/key`).
///
/// `.automatic` (the default) is what the SDKs do: virtual-hosted on AWS's own S3 endpoints for a bucket whose name
/// is a DNS label (lower-case letters, digits, `-`; no dots, which would not match the `*.s3` certificate), and path
/// style everywhere else: an endpoint override (`AWS_ENDPOINT_URL_S3`: moto, MinIO, a VPC interface endpoint)
/// or a legacy bucket name.
public enum S3Addressing: Sendable, Equatable {
    case automatic
    case path
    case virtualHosted

    /// The style used for `bucket` at `endpoint`.
    public func resolved(endpoint: URL, bucket: String) -> S3Addressing {
        switch self {
        case .path, .virtualHosted: return self
        case .automatic:
            let host = endpoint.host(percentEncoded: false)?.lowercased() ?? ""
            let awsHost = (host.hasPrefix("s3.") || host.hasPrefix("s3-"))
                && (host.hasSuffix(".amazonaws.com") || host.hasSuffix(".amazonaws.com.cn"))
            return awsHost && Self.isDNSLabel(bucket) ? .virtualHosted : .path
        }
    }

    /// The URL of `bucket` (`key` nil: the bucket itself, for ListObjectsV2) with `query`, each part URI-encoded
    /// once (as S3 signs it). Keys with a `.` or `..` segment are refused: HTTP clients remove those from paths.
    func url(endpoint: URL, bucket: String, key: String?, query: [(name: String, value: String)]) throws(AWSError) -> URL {
        try Self.validate(bucket: bucket)
        var path = ""
        if let key {
            guard !key.isEmpty else { throw AWSError(.invalidParameter, message: "an object key cannot be empty") }
            let segments = key.split(separator: "/", omittingEmptySubsequences: false)
            guard !segments.contains(where: { $0 == "." || $0 == ".." }) else {
                throw AWSError(.invalidParameter, message: "the key \"\(key)\" has a \".\" or \"..\" segment, which HTTP "
                               + "clients remove from a URL: it cannot be read through this client")
            }
            path = "/" + segments.map { SigV4Signer.uriEncode(Array($0.utf8)) }.joined(separator: "/")
        }
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        switch resolved(endpoint: endpoint, bucket: bucket) {
        case .virtualHosted:
            guard let scheme = endpoint.scheme, let host = endpoint.host(percentEncoded: true) else {
                throw AWSError(.invalidParameter, message: "the S3 endpoint has no host")
            }
            var authority = "\(bucket).\(host)"
            if let port = endpoint.port { authority += ":\(port)" }
            var basePath = endpoint.path(percentEncoded: true)
            while basePath.hasSuffix("/") { basePath.removeLast() }
            base = "\(scheme)://\(authority)\(basePath)"
            if path.isEmpty { path = "/" }
        default:
            base += "/" + bucket
        }
        var text = base + path
        if !query.isEmpty {
            text += "?" + query.map { SigV4Signer.uriEncode(Array($0.name.utf8)) + "=" + SigV4Signer.uriEncode(Array($0.value.utf8)) }
                .joined(separator: "&")
        }
        guard let url = URL(string: text) else {
            throw AWSError(.invalidParameter, message: "cannot form a URL for bucket \(bucket) at the S3 endpoint")
        }
        return url
    }

    /// A bucket name S3 accepts: 3 to 255 characters of letters, digits, `.`, `-` and `_` (names created before
    /// 2018 in us-east-1 may have upper case and `_`; newer ones are DNS-compatible), nothing that could change the path.
    public static func validate(bucket: String) throws(AWSError) {
        let valid = (3...255).contains(bucket.utf8.count) && bucket.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x30 && $0 <= 0x39)
                || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
        guard valid else {
            throw AWSError(.invalidParameter, message: "\"\(bucket)\" is not an S3 bucket name (3-63 lower-case letters, "
                           + "digits, dots and hyphens)")
        }
    }

    /// A lower-case DNS label of at most 63 characters, not starting or ending with `-`.
    static func isDNSLabel(_ bucket: String) -> Bool {
        let bytes = Array(bucket.utf8)
        guard (3...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }
    }
}
