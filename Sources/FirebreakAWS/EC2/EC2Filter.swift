/// A Describe* filter: `Filter.N.Name` with its values `Filter.N.Value.M` (values are OR-ed, filters AND-ed).
public struct EC2Filter: Sendable, Hashable {
    public var name: String
    public var values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }

    static func add(_ filters: [EC2Filter], to request: inout QueryRequest) {
        request.addList("Filter", filters) { query, prefix, filter in
            query.add("\(prefix).Name", filter.name)
            query.addList("\(prefix).Value", filter.values)
        }
    }
}
