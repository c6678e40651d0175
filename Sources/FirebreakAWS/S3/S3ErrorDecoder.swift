/// Turns a non-2xx S3 response into an `AWSError`: the REST-XML `<Error><Code/><Message/><RequestId/></Error>` body
/// (none for HEAD), the `x-amz-request-id` header. `SlowDown` is throttling; a bucket in another region
/// (`PermanentRedirect`, `AuthorizationHeaderMalformed`, `IllegalLocationConstraintException`, or any answer with
/// `x-amz-bucket-region`) names that region in the message.
public enum S3ErrorDecoder {
    public static func decode(_ response: AWSHTTPResponse) -> AWSError {
        var error = QueryErrorDecoder.decode(response)
        if error.code == "SlowDown" { error.kind = .throttled }
        let root = AWSXMLParser.parse(response.body)
        let region = response.header("x-amz-bucket-region") ?? root?.string("Region")
        let elsewhere = error.status == 301 || error.status == 307 || ["PermanentRedirect", "AuthorizationHeaderMalformed",
                                                                       "IllegalLocationConstraintException"].contains(error.code ?? "")
        if elsewhere, let region, !region.isEmpty {
            error.message += " (the bucket is in \(region): set aws.region or AWS_REGION to \(region))"
        } else if error.status == 301 && error.code == nil {
            error.message = "HTTP 301: the bucket is in another region than the endpoint's (set aws.region or AWS_REGION to it)"
        }
        return error
    }
}
