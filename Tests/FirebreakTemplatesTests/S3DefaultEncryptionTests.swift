import FirebreakTemplates
import Testing

/// FB-DATA-004: S3 encrypts every bucket with SSE-S3 since January 2023, so requiring SSE-KMS is an opt-in
/// (`s3_require_kms`).
@Suite struct S3DefaultEncryptionTests {
    static let requireKMS: CheckConfiguration = {
        var configuration = CheckConfiguration()
        configuration.s3RequireKMS = true
        return configuration
    }()

    static let buckets = """
        Plain: {Type: AWS::S3::Bucket}
        SseS3: {Type: AWS::S3::Bucket, Properties: {BucketEncryption: {ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}}]}}}
        """

    @Test func aBucketWithoutBucketEncryptionIsNotReportedByDefault() throws {
        let findings = TemplateChecker.check(try Fixture.resources(Self.buckets))
        #expect(findings.filter { $0.checkID == "FB-DATA-004" }.isEmpty)
        #expect(!CheckConfiguration.default.s3RequireKMS)
    }

    @Test func requireKMSReportsBucketsWithoutSSEKMS() throws {
        let findings = TemplateChecker.check(try Fixture.resources(Self.buckets), configuration: Self.requireKMS)
            .filter { $0.checkID == "FB-DATA-004" }
        #expect(findings.map(\.logicalID) == ["Plain", "SseS3"])
        #expect(findings.first?.message.contains("s3_require_kms") == true)
    }

    @Test func theConfigurationKeyIsParsed() throws {
        #expect(try CheckConfiguration.parse(yaml: "s3_require_kms: true").s3RequireKMS)
        #expect(try !CheckConfiguration.parse(yaml: "s3_require_kms: false").s3RequireKMS)
        #expect(try !CheckConfiguration.parse(yaml: "disabled: []").s3RequireKMS)
        #expect(throws: CheckConfigurationError.self) { try CheckConfiguration.parse(yaml: "s3_require_kms: kms") }
    }
}
