/// Sends one HTTP request and returns the response, whatever its status; blocking, thread-safe.
/// Failures before a response are `AWSError` of kind `.transport`.
public protocol AWSTransport: Sendable {
    func send(_ request: AWSHTTPRequest, timeouts: AWSTimeouts) throws(AWSError) -> AWSHTTPResponse
}
