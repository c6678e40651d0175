/// One Route 53 Resolver query log record (`version`, `account_id`, `region`, `vpc_id`, `query_timestamp`,
/// `query_name`, `query_type`, `query_class`, `rcode`, `answers[]`, `srcaddr`, `srcport`, `transport`,
/// `srcids{instance, resolver_endpoint}`, and `firewall_rule_action`/`firewall_rule_group_id`/
/// `firewall_domain_list_id` when DNS Firewall matched), kept as JSON.
///
/// Rules read `fields`: the record plus computed members about the query name (see `ComputedField`), which Sigma's
/// modifiers cannot express (label lengths, entropy).
public struct Route53QueryRecord: Sendable {
    /// The record as delivered.
    public var record: JSONValue
    /// `record` with the computed members appended: what rules match against.
    public var fields: JSONValue

    /// Members appended to `fields` (not present in the record itself).
    public enum ComputedField {
        /// The query name lower-cased, without the trailing dot.
        public static let normalizedName = "query_name_normalized"
        /// Number of labels of the query name.
        public static let labelCount = "query_name_labels"
        /// Length in bytes of the longest label.
        public static let longestLabel = "query_name_longest_label"
        /// Shannon entropy (bits per character, 2 decimals) of the name's labels left of `query_domain`.
        public static let entropy = "query_name_entropy"
        /// The last two labels (`a.b.example.com` → `example.com`): the domain tunnelling subdomains are counted under.
        /// It is not a public-suffix lookup, so `x.example.co.uk` gives `co.uk`.
        public static let domain = "query_domain"
        /// The labels left of `query_domain` (`a.b` for `a.b.example.com`), empty when there are none.
        public static let subdomain = "query_subdomain"
    }

    public init(record: JSONValue) {
        self.record = record
        fields = Self.withComputedFields(record)
    }

    /// True when `value` is an object shaped like a Resolver query log record: string `query_name`, `query_type`
    /// and `query_timestamp`.
    public static func looksLikeRecord(_ value: JSONValue) -> Bool {
        guard case .object(let o) = value else { return false }
        return o["query_name"]?.stringValue != nil && o["query_type"]?.stringValue != nil
            && o["query_timestamp"]?.stringValue != nil
    }

    private func string(_ key: String) -> String? { record[key]?.stringValue }

    public var queryName: String? { string("query_name") }
    public var queryType: String? { string("query_type") }
    /// `NOERROR`, `NXDOMAIN`, `SERVFAIL`, ...
    public var rcode: String? { string("rcode") }
    /// ISO-8601 UTC text, e.g. `2021-02-04T17:51:55Z`.
    public var queryTimestamp: String? { string("query_timestamp") }
    public var srcaddr: String? { string("srcaddr") }
    public var vpcID: String? { string("vpc_id") }
    public var accountID: String? { string("account_id") }
    public var region: String? { string("region") }
    /// `srcids.instance`: the EC2 instance that sent the query.
    public var instanceID: String? { record["srcids"]?["instance"]?.stringValue }
    /// `srcids.resolver_endpoint`: the inbound endpoint an on-premises query came through.
    public var resolverEndpointID: String? { record["srcids"]?["resolver_endpoint"]?.stringValue }

    /// `record` with the `ComputedField` members appended (a record that is not an object is returned as is).
    static func withComputedFields(_ record: JSONValue) -> JSONValue {
        guard case .object(var object) = record, let name = object["query_name"]?.stringValue else { return record }
        let facts = QueryNameFacts(name)
        object.append(ComputedField.normalizedName, .string(facts.normalized))
        object.append(ComputedField.labelCount, .int(Int64(facts.labels.count)))
        object.append(ComputedField.longestLabel, .int(Int64(facts.longestLabel)))
        object.append(ComputedField.entropy, .double(facts.entropy))
        object.append(ComputedField.domain, .string(facts.domain))
        object.append(ComputedField.subdomain, .string(facts.subdomain))
        return .object(object)
    }
}
