import Foundation

/// Typed S3 calls over REST-XML (signing name `s3`), through an `AWSClient` (SigV4, retries, timeouts):
/// ListObjectsV2 with pagination, and GetObject read in ranges of at most `chunkBytes`.
///
/// The transport holds each response whole (`AWSTimeouts.maxResponseBytes`), so an object is never asked for in
/// one piece: `readObject` asks for consecutive ranges (`Range: bytes=a-b`), each retried on its own and each after
/// the first with `If-Match` the first one's ETag, so an object replaced while it is read fails with
/// `PreconditionFailed` instead of mixing two versions. Memory is one chunk at a time; what the caller keeps is its
/// business. Every request carries `x-amz-content-sha256` (S3 requires it). Blocking and thread-safe.
public struct S3Client: Sendable {
    public static let signingName = "s3"
    /// Keys per ListObjectsV2 page: S3's maximum.
    public static let maxKeysPerPage = 1000
    /// Bytes per GetObject range by default.
    public static let defaultChunkBytes = 8 << 20
    /// SHA-256 of an empty payload: every request here has none.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Lists and other small calls go through it as configured.
    public let client: AWSClient
    public let addressing: S3Addressing
    public let chunkBytes: Int
    /// `client` with room for one chunk per response and time for it (at least 2 minutes per range, retries included).
    private let reader: AWSClient

    /// A client over `client`, whose signing name should be `s3`. `chunkBytes` (at least 64 KiB) bounds each
    /// GetObject response.
    public init(client: AWSClient, addressing: S3Addressing = .automatic, chunkBytes: Int = defaultChunkBytes) {
        self.client = client
        self.addressing = addressing
        self.chunkBytes = max(64 << 10, chunkBytes)
        var timeouts = client.timeouts
        timeouts.total = max(timeouts.total, .seconds(120))
        timeouts.maxResponseBytes = self.chunkBytes + (64 << 10)   // room for an error body instead
        var retry = client.retryPolicy
        retry.deadline = max(retry.deadline, timeouts.total + .seconds(30))
        reader = AWSClient(endpoint: client.endpoint, region: client.region, signingName: client.signingName,
                           credentials: client.credentials, transport: client.transport, retryPolicy: retry, timeouts: timeouts)
    }

    // MARK: ListObjectsV2

    /// One ListObjectsV2 page (`GET /<bucket>?list-type=2`, keys URL-encoded on the wire and decoded here).
    /// `continuationToken` is the previous page's `nextContinuationToken`; `startAfter` lists keys after it
    /// (S3 ignores it once a token is given); `delimiter` (`/`) rolls keys up into `commonPrefixes`;
    /// `maxKeys` is 1 to 1000.
    public func listObjectsV2(bucket: String, prefix: String = "", delimiter: String? = nil, startAfter: String? = nil,
                              continuationToken: String? = nil, maxKeys: Int = maxKeysPerPage) throws(AWSError) -> S3ObjectListing {
        guard (1...Self.maxKeysPerPage).contains(maxKeys) else {
            throw AWSError(.invalidParameter, message: "maxKeys must be 1 to \(Self.maxKeysPerPage) (got \(maxKeys))")
        }
        if let continuationToken, continuationToken.isEmpty {
            throw AWSError(.invalidParameter, message: "an empty continuation token: pass nil for the first page")
        }
        var query: [(name: String, value: String)] = [("list-type", "2"), ("encoding-type", "url"), ("max-keys", String(maxKeys))]
        if !prefix.isEmpty { query.append(("prefix", prefix)) }
        if let delimiter, !delimiter.isEmpty { query.append(("delimiter", delimiter)) }
        if let startAfter, !startAfter.isEmpty { query.append(("start-after", startAfter)) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        let request = AWSHTTPRequest(method: "GET", url: try addressing.url(endpoint: client.endpoint, bucket: bucket, key: nil,
                                                                              query: query),
                                     headers: [("x-amz-content-sha256", Self.emptyPayloadHash)])
        let response = try client.send(request, decodeError: S3ErrorDecoder.decode)
        guard let root = AWSXMLParser.parse(response.body) else {
            throw AWSError(.server, code: "MalformedResponse",
                           message: "ListObjectsV2 of \(bucket) answered HTTP \(response.status) with a body that is not XML "
                               + "(\(response.body.count) bytes)",
                           requestID: response.header("x-amz-request-id"), status: response.status)
        }
        let page = try S3ObjectListing.parse(root)
        if page.isTruncated && page.nextContinuationToken == nil {
            throw AWSError(.server, code: "MalformedResponse",
                           message: "ListObjectsV2 of \(bucket) said the listing is truncated but gave no continuation token",
                           requestID: response.header("x-amz-request-id"), status: response.status)
        }
        return page
    }

    /// Every page under `prefix`, in order, given to `page` until it returns false or the listing ends. A
    /// continuation token S3 gives twice in a row is an error (no endless loop).
    public func listAllObjects(bucket: String, prefix: String = "", delimiter: String? = nil, startAfter: String? = nil,
                               pageSize: Int = maxKeysPerPage, _ page: (S3ObjectListing) -> Bool) throws(AWSError) {
        var token: String?
        while true {
            let listing = try listObjectsV2(bucket: bucket, prefix: prefix, delimiter: delimiter,
                                            startAfter: token == nil ? startAfter : nil, continuationToken: token,
                                            maxKeys: pageSize)
            guard page(listing), listing.isTruncated, let next = listing.nextContinuationToken else { return }
            guard next != token else {
                throw AWSError(.server, code: "MalformedResponse",
                               message: "ListObjectsV2 of \(bucket) gave the same continuation token twice")
            }
            token = next
        }
    }

    // MARK: GetObject

    /// One GetObject of bytes `offset...offset+length-1` (`Range`), with `If-Match` when `eTag` is given. An empty
    /// object, which S3 answers 416 for any range, is an empty last chunk.
    public func getObject(bucket: String, key: String, offset: Int64 = 0, length: Int? = nil,
                          ifMatch eTag: String? = nil) throws(AWSError) -> S3ObjectChunk {
        let count = Int64(min(length ?? chunkBytes, chunkBytes))
        guard offset >= 0, count > 0 else {
            throw AWSError(.invalidParameter, message: "GetObject range: offset \(offset), length \(count)")
        }
        var headers: [(name: String, value: String)] = [("Range", "bytes=\(offset)-\(offset + count - 1)"),
                                                        ("x-amz-content-sha256", Self.emptyPayloadHash)]
        if let eTag, !eTag.isEmpty { headers.append(("If-Match", eTag)) }
        let request = AWSHTTPRequest(method: "GET", url: try addressing.url(endpoint: client.endpoint, bucket: bucket, key: key,
                                                                              query: []),
                                     headers: headers)
        let response: AWSHTTPResponse
        do {
            response = try reader.send(request, decodeError: S3ErrorDecoder.decode)
        } catch {
            if error.status == 416, offset == 0, eTag == nil {
                return S3ObjectChunk(bytes: [], offset: 0, objectSize: 0, eTag: "")
            }
            throw error
        }
        let tag = response.header("ETag") ?? eTag ?? ""
        if response.status == 200 {
            // The whole object (a server that ignores Range): only acceptable from the start.
            guard offset == 0 else {
                throw AWSError(.server, code: "MalformedResponse",
                               message: "GetObject of \(key) ignored the range from byte \(offset) (HTTP 200)")
            }
            return S3ObjectChunk(bytes: response.body, offset: 0, objectSize: Int64(response.body.count), eTag: tag)
        }
        guard let range = response.header("Content-Range").flatMap(Self.parseContentRange), range.start == offset,
              range.end - range.start + 1 == Int64(response.body.count) else {
            throw AWSError(.server, code: "MalformedResponse",
                           message: "GetObject of \(key) answered HTTP \(response.status) with Content-Range "
                               + "\"\(response.header("Content-Range") ?? "")\" for \(response.body.count) bytes from byte \(offset)",
                           requestID: response.header("x-amz-request-id"), status: response.status)
        }
        return S3ObjectChunk(bytes: response.body, offset: offset, objectSize: range.size, eTag: tag)
    }

    /// Reads a whole object, chunk after chunk, giving each to `chunk` in order until it returns false; returns the
    /// object's size. Past `maxBytes` nothing is read: the object is refused (`.invalidParameter`, code
    /// `ObjectTooLarge`) from the size its first range reports.
    @discardableResult
    public func readObject(bucket: String, key: String, maxBytes: Int64 = .max,
                           _ chunk: (S3ObjectChunk) -> Bool) throws(AWSError) -> Int64 {
        var next = try getObject(bucket: bucket, key: key, length: Int(min(Int64(chunkBytes), max(1, maxBytes))))
        let size = next.objectSize
        if size > maxBytes {
            throw AWSError(.invalidParameter, code: "ObjectTooLarge",
                           message: "s3://\(bucket)/\(key) is \(size) bytes, more than the \(maxBytes)-byte limit")
        }
        let eTag = next.eTag
        while true {
            guard chunk(next), !next.isLast, !next.bytes.isEmpty else { return size }
            next = try getObject(bucket: bucket, key: key, offset: next.offset + Int64(next.bytes.count),
                                 ifMatch: eTag.isEmpty ? nil : eTag)
            if next.objectSize != size {
                throw AWSError(.server, code: "PreconditionFailed",
                               message: "s3://\(bucket)/\(key) changed size while it was read (\(size) → \(next.objectSize) bytes)")
            }
        }
    }

    /// The whole object in memory; `.invalidParameter` (`ObjectTooLarge`) past `maxBytes`.
    public func object(bucket: String, key: String, maxBytes: Int64) throws(AWSError) -> [UInt8] {
        var bytes: [UInt8] = []
        try readObject(bucket: bucket, key: key, maxBytes: maxBytes) { chunk in
            if bytes.isEmpty { bytes.reserveCapacity(Int(chunk.objectSize)) }
            bytes += chunk.bytes
            return true
        }
        return bytes
    }

    /// `bytes 0-99/1234` → (0, 99, 1234); nil for anything else (`*` sizes included).
    static func parseContentRange(_ header: String) -> (start: Int64, end: Int64, size: Int64)? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst(6)
        guard let slash = spec.firstIndex(of: "/"), let dash = spec[..<slash].firstIndex(of: "-"),
              let start = Int64(spec[..<dash]), let end = Int64(spec[spec.index(after: dash)..<slash]),
              let size = Int64(spec[spec.index(after: slash)...]), start <= end, end < size else { return nil }
        return (start, end, size)
    }
}
