/// Log metadata that is already JSON text (a finding rendered once for the store): `JSONLogHandler` writes it as
/// it is, so a finding's log line costs no second rendering. Other handlers print it as text.
public struct RawJSON: CustomStringConvertible, Sendable {
    /// Compact JSON text; the writer vouches that it is valid.
    public let description: String

    public init(_ text: String) { description = text }
}
