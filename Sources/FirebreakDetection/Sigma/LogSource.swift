/// A Sigma `logsource`: which log a rule reads.
public struct LogSource: Sendable, Hashable, CustomStringConvertible {
    public var product: String?
    public var service: String?
    public var category: String?

    public init(product: String? = nil, service: String? = nil, category: String? = nil) {
        self.product = product?.lowercased()
        self.service = service?.lowercased()
        self.category = category?.lowercased()
    }

    public static let cloudTrail = LogSource(product: "aws", service: "cloudtrail")
    public static let vpcFlowLogs = LogSource(product: "aws", service: "vpcflowlogs")
    public static let route53 = LogSource(product: "aws", service: "route53")
    public static let guardDuty = LogSource(product: "aws", service: "guardduty")
    public static let elb = LogSource(product: "aws", service: "elb")
    public static let s3Access = LogSource(product: "aws", service: "s3")
    public static let cloudFront = LogSource(product: "aws", service: "cloudfront")

    /// True when an event of `eventSource` is one this (rule) log source asks for: every key the rule
    /// names must agree; keys it leaves out match anything.
    public func covers(_ eventSource: LogSource) -> Bool {
        (product == nil || product == eventSource.product)
            && (service == nil || service == eventSource.service)
            && (category == nil || category == eventSource.category)
    }

    public var description: String {
        [product.map { "product: \($0)" }, service.map { "service: \($0)" }, category.map { "category: \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
    }
}
