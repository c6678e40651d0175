/// A strict RFC 8259 JSON parser working on UTF-8 bytes.
///
/// - Nesting deeper than `maxDepth` is an error (protects the stack from hostile input).
/// - Integers that fit `Int64` are exact (`.int`); other numbers are `.double`; numbers that
///   overflow `Double` are errors.
/// - Escapes are decoded, including `\u` surrogate pairs; a lone surrogate becomes U+FFFD.
/// - Invalid UTF-8 inside strings is repaired with U+FFFD.
/// - Errors carry the byte offset (`JSONParseError`).
public struct JSONParser: Sendable {
    public var maxDepth: Int

    public init(maxDepth: Int = 128) {
        self.maxDepth = maxDepth
    }

    /// Parses exactly one JSON document; only whitespace may follow it.
    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer)
        }
    }

    /// Parses exactly one JSON document from UTF-8 text.
    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    func parse(_ buffer: UnsafeBufferPointer<UInt8>, offsetBias: Int = 0) throws(JSONParseError) -> JSONValue {
        var scanner = JSONScanner(buffer, offsetBias: offsetBias)
        let value = try scanner.parseValue(depth: 0, maxDepth: maxDepth)
        if scanner.peek() != nil { throw scanner.error("unexpected data after the JSON document") }
        return value
    }
}
