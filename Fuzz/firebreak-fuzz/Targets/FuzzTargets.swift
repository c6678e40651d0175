/// The fuzz targets by name: each feeds its bytes to one parser and ignores the errors it throws (an error is
/// a correct answer to bad input; a trap, a crash, a hang or an exhausted memory is a finding).
enum FuzzTargets {
    static let all: [(name: String, run: @Sendable ([UInt8]) -> Void)] = [
        ("http", HTTPRequestParserTarget.run),
        ("firehose-body", FirehoseBodyTarget.run),
        ("gzip", GzipTarget.run),
        ("cwl", CloudWatchLogsTarget.run),
        ("flow-line", FlowLineTarget.run),
        ("flow-line-custom", FlowLineCustomTarget.run),
        ("alb-line", ALBLineTarget.run),
        ("s3access-line", S3AccessLineTarget.run),
        ("cloudfront-log", CloudFrontLogTarget.run),
        ("cloudtrail", CloudTrailTarget.run),
        ("aws-json", AWSLogJSONTarget.run),
        ("sigma", SigmaRuleTarget.run),
        ("template-json", TemplateTarget.runJSON),
        ("template-yaml", TemplateTarget.runYAML),
        ("playbook", PlaybookTarget.run),
        ("config", ConfigurationTarget.run),
    ]

    static var names: [String] { all.map(\.name) }

    static func named(_ name: String) -> (@Sendable ([UInt8]) -> Void)? {
        all.first { $0.name == name }?.run
    }
}
