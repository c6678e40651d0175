/// One `name=value` pair of a Query request body.
public struct QueryParameter: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
