
/// The form body of an AWS Query call (EC2 `ec2Query`, SNS/IAM `awsQuery`): `Action`, `Version`, then the
/// parameters in the order they were added.
///
/// Lists are flattened 1-based under a prefix: EC2 writes `InstanceId.1`, `Filter.1.Value.1`; awsQuery
/// services write `Name.member.1` for lists and `Name.entry.1.…` for maps, so pass `"Name.member"` or
/// `"Name.entry"` as the prefix.
public struct QueryRequest: Sendable, Equatable {
    public private(set) var parameters: [QueryParameter]

    public init(action: String, version: String) {
        parameters = [QueryParameter("Action", action), QueryParameter("Version", version)]
    }

    /// The `Action` parameter.
    public var action: String { parameters[0].value }

    /// The first value of a parameter, if present.
    public func value(_ name: String) -> String? { parameters.first { $0.name == name }?.value }

    public mutating func add(_ name: String, _ value: String) {
        parameters.append(QueryParameter(name, value))
    }

    /// `true` / `false`.
    public mutating func add(_ name: String, _ value: Bool) {
        add(name, value ? "true" : "false")
    }

    public mutating func add(_ name: String, _ value: Int) {
        add(name, String(value))
    }

    /// Adds the parameter only when `value` is not nil.
    public mutating func addIfPresent(_ name: String, _ value: String?) {
        if let value { add(name, value) }
    }

    /// `prefix.1=values[0]`, `prefix.2=values[1]`, …
    public mutating func addList(_ prefix: String, _ values: [String]) {
        for (index, value) in values.enumerated() {
            add("\(prefix).\(index + 1)", value)
        }
    }

    /// For each element, calls `encode` with the element's prefix (`prefix.1`, `prefix.2`, …), under which
    /// it adds the element's members (`prefix.1.Key`, …).
    public mutating func addList<Element>(_ prefix: String, _ elements: [Element],
                                          _ encode: (inout QueryRequest, _ prefix: String, Element) -> Void) {
        for (index, element) in elements.enumerated() {
            encode(&self, "\(prefix).\(index + 1)", element)
        }
    }

    /// Whether the call may change the account: every action but `Describe*`, `Get*` and `List*`, unless it carries
    /// its own deduplication (an SNS FIFO `Publish` with `MessageDeduplicationId`). Decides what the client retries.
    public var changesAccount: Bool {
        !AWSClient.isReadOnly(action) && value("MessageDeduplicationId") == nil
    }

    /// The form-encoded body, as botocore writes it (RFC 3986 with spaces as `+`, see `FormEncoding`).
    public var body: String { FormEncoding.encode(parameters) }
}
