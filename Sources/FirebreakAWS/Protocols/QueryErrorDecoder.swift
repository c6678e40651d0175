import Foundation

/// Turns a non-2xx Query response into an `AWSError`. Understands the three shapes seen on the wire:
///
/// - EC2: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`
/// - awsQuery (SNS, IAM): `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`
/// - moto's 401: `<ErrorResponse><Errors><Error><Type/><Code/><Message/></Error></Errors>…</ErrorResponse>`
///
/// A body that is none of these is classified by its status alone.
public enum QueryErrorDecoder {
    public static func decode(_ response: AWSHTTPResponse) -> AWSError {
        let headerID = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
        guard let root = AWSXMLParser.parse(response.body),
              let error = root.firstDescendant("Error") else {
            return AWSError(serviceCode: nil, message: "HTTP \(response.status) (\(response.body.count)-byte body)",
                            requestID: headerID, status: response.status)
        }
        let code = nonEmpty(error.string("Code") ?? error.string("code"))
        let message = error.string("Message") ?? error.string("message")
        let requestID = ["RequestID", "RequestId", "requestId"].lazy
            .compactMap { nonEmpty(root.firstDescendant($0)?.text) }.first ?? headerID
        return AWSError(serviceCode: code, message: message, requestID: requestID, status: response.status)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
