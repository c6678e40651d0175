/// One GetObject response: a range of the object's bytes and what S3 said about the whole.
public struct S3ObjectChunk: Sendable {
    public var bytes: [UInt8]
    /// Offset of `bytes[0]` in the object.
    public var offset: Int64
    /// The object's size (`Content-Range: bytes a-b/<size>`, or the body's length when S3 sent it whole).
    public var objectSize: Int64
    /// The object's ETag, quotes included.
    public var eTag: String

    public init(bytes: [UInt8], offset: Int64, objectSize: Int64, eTag: String) {
        self.bytes = bytes
        self.offset = offset
        self.objectSize = objectSize
        self.eTag = eTag
    }

    /// True when this chunk ends the object.
    public var isLast: Bool { offset + Int64(bytes.count) >= objectSize }
}
