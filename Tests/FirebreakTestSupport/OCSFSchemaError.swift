/// The schema folder lacks something a definition names, or a file is not the JSON it should be.
public struct OCSFSchemaError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
