import Foundation

extension AWSClient {
    /// Calls an AWS JSON operation: `POST /` with `X-Amz-Target: <targetPrefix>.<operation>` and
    /// `Content-Type: application/x-amz-json-<version>` (1.1: CloudTrail; 1.0: DynamoDB), the input encoded as JSON;
    /// decodes the output. `readOnly` (by default from the operation's name, `isReadOnly`) decides the retries.
    /// Errors (`__type`, `message`) are thrown as the `AWSError` `decodeError` makes of the response.
    public func json<Input: Encodable, Output: Decodable>(
        targetPrefix: String, operation: String, input: Input, as output: Output.Type, version: String = "1.1",
        readOnly: Bool? = nil, decodeError: (AWSHTTPResponse) -> AWSError = JSONErrorDecoder.decode
    ) throws(AWSError) -> Output {
        let body: Data
        do {
            body = try JSONEncoder().encode(input)
        } catch {
            throw AWSError(.invalidParameter, message: "\(operation) input could not be encoded as JSON")
        }
        let response = try post(
            headers: [("Content-Type", "application/x-amz-json-\(version)"), ("X-Amz-Target", "\(targetPrefix).\(operation)")],
            body: Array(body), changesAccount: !(readOnly ?? Self.isReadOnly(operation)), decodeError: decodeError)
        let data = response.body.isEmpty ? Data("{}".utf8) : Data(response.body)
        do {
            return try JSONDecoder().decode(Output.self, from: data)
        } catch {
            throw AWSError(.server, code: "MalformedResponse",
                           message: "\(operation) answered HTTP \(response.status) with JSON that does not match"
                               + " its output shape",
                           requestID: response.header("x-amzn-RequestId"), status: response.status)
        }
    }
}

extension AWSClient {
    /// Operations that only read (`Describe*`, `Get*`, `List*`): retried on any retryable failure.
    public static func isReadOnly(_ operation: String) -> Bool {
        operation.hasPrefix("Describe") || operation.hasPrefix("Get") || operation.hasPrefix("List")
    }
}
