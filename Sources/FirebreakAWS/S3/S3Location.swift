/// A bucket and a key prefix, written `s3://bucket/prefix` (the prefix may be empty, and ends wherever the user
/// ends it: `s3://b/AWSLogs/` lists under `AWSLogs/`, `s3://b/AWSLogs` also matches `AWSLogs-old/`).
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    public var prefix: String

    public init(bucket: String, prefix: String = "") {
        self.bucket = bucket
        self.prefix = prefix
    }

    /// True when `text` starts with `s3://` (case-insensitive), whether or not the rest is valid.
    public static func isS3URI(_ text: String) -> Bool {
        text.utf8.count >= 5 && text.prefix(5).lowercased() == "s3://"
    }

    /// Parses `s3://bucket[/prefix]`; throws `.invalidParameter` naming what is wrong.
    public init(uri text: String) throws(AWSError) {
        guard Self.isS3URI(text) else {
            throw AWSError(.invalidParameter, message: "\"\(text)\" is not an s3:// URI (s3://bucket/prefix/)")
        }
        let rest = text.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        let prefix = rest.dropFirst(bucket.count).dropFirst()
        try S3Addressing.validate(bucket: String(bucket))
        self.init(bucket: String(bucket), prefix: String(prefix))
    }

    public var description: String { "s3://\(bucket)/\(prefix)" }

    /// `s3://bucket/key` of an object in this bucket.
    public func uri(key: String) -> String { "s3://\(bucket)/\(key)" }
}
