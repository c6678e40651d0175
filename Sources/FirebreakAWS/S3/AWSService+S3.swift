extension AWSService {
    /// Amazon S3: `AWS_ENDPOINT_URL_S3` overrides its endpoint, `https://s3.<region>.amazonaws.com` by default.
    public static let s3 = AWSService(id: "S3", endpointPrefix: "s3", signingName: "s3")
}
