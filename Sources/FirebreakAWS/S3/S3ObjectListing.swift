/// One ListObjectsV2 page: its objects and, with a delimiter, the common prefixes ("folders") one level down.
public struct S3ObjectListing: Sendable, Equatable {
    public var objects: [S3Object]
    /// Keys up to and including the delimiter after the prefix (`AWSLogs/123456789012/`), decoded.
    public var commonPrefixes: [String]
    public var isTruncated: Bool
    /// Where the next page starts; nil on the last page.
    public var nextContinuationToken: String?

    public init(objects: [S3Object] = [], commonPrefixes: [String] = [], isTruncated: Bool = false,
                nextContinuationToken: String? = nil) {
        self.objects = objects
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextContinuationToken = nextContinuationToken
    }

    /// The page of a `<ListBucketResult>`; keys and prefixes are decoded when the response says
    /// `<EncodingType>url</EncodingType>` (S3 then writes a space as `+`).
    static func parse(_ root: AWSXMLElement) throws(AWSError) -> S3ObjectListing {
        guard root.name == "ListBucketResult" else {
            throw AWSError(.server, code: "MalformedResponse",
                           message: "ListObjectsV2 answered <\(root.name)>, not <ListBucketResult>")
        }
        let urlEncoded = root.string("EncodingType")?.trimmingCharacters(in: .whitespaces).lowercased() == "url"
        func decoded(_ text: String) -> String { urlEncoded ? formDecode(text) : text }
        var page = S3ObjectListing()
        for element in root.children("Contents") {
            guard let key = element.string("Key"), !key.isEmpty else {
                throw AWSError(.server, code: "MalformedResponse", message: "ListObjectsV2 listed an object without a Key")
            }
            let sizeText = element.string("Size")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard let size = Int64(sizeText), size >= 0 else {
                throw AWSError(.server, code: "MalformedResponse", message: "ListObjectsV2 gave \(key) the size \"\(sizeText)\"")
            }
            let storage = element.string("StorageClass")?.trimmingCharacters(in: .whitespaces) ?? ""
            page.objects.append(S3Object(key: decoded(key), size: size, eTag: element.string("ETag") ?? "",
                                         lastModified: element.string("LastModified").flatMap(S3Object.parseTimestamp),
                                         storageClass: storage.isEmpty ? "STANDARD" : storage))
        }
        page.commonPrefixes = root.children("CommonPrefixes").compactMap { $0.string("Prefix").map(decoded) }
        page.isTruncated = root.bool("IsTruncated") ?? false
        let token = root.string("NextContinuationToken")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        page.nextContinuationToken = token.isEmpty ? nil : token
        return page
    }

    /// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; a malformed escape stays as it is.
    static func formDecode(_ text: String) -> String {
        let bytes = SigV4Signer.percentDecode(Substring(text.replacingOccurrences(of: "+", with: " ")))
        return String(decoding: bytes, as: UTF8.self)
    }
}
