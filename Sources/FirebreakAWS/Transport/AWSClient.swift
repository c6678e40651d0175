import Foundation

/// Sends signed requests to one AWS service endpoint, retrying what may succeed on a retry.
///
/// Each attempt fetches the current credentials from the provider, signs with SigV4 (region and signing
/// name as configured, whatever the endpoint URL), and sends through the transport. Throttling (429 too),
/// 5xx and transport failures are retried per the `RetryPolicy` (for a call that changes the account, only when
/// AWS certainly did not carry it out); other errors are thrown at once.
/// Every attempt's time limit is cut to what remains of the call's deadline. Blocking and thread-safe.
public struct AWSClient: Sendable {
    public let endpoint: URL
    public let region: String
    /// The SigV4 signing name (`ec2`, `sns`, `cloudtrail`, `iam`).
    public let signingName: String
    public let credentials: any CredentialProvider
    public let transport: any AWSTransport
    public let retryPolicy: RetryPolicy
    public let timeouts: AWSTimeouts

    public init(endpoint: URL, region: String, signingName: String, credentials: any CredentialProvider,
                transport: any AWSTransport, retryPolicy: RetryPolicy = RetryPolicy(),
                timeouts: AWSTimeouts = AWSTimeouts()) {
        self.endpoint = endpoint
        self.region = region
        self.signingName = signingName
        self.credentials = credentials
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.timeouts = timeouts
    }

    /// A copy with another retry policy.
    public func with(retryPolicy: RetryPolicy) -> AWSClient {
        AWSClient(endpoint: endpoint, region: region, signingName: signingName, credentials: credentials,
                  transport: transport, retryPolicy: retryPolicy, timeouts: timeouts)
    }

    /// POSTs `body` to the endpoint's path with `headers` and returns the 2xx response; a non-2xx response
    /// becomes the error `decodeError` makes of it.
    public func post(headers: [(name: String, value: String)], body: [UInt8], changesAccount: Bool = false,
                     signed: Bool = true, decodeError: (AWSHTTPResponse) -> AWSError) throws(AWSError) -> AWSHTTPResponse {
        var request = AWSHTTPRequest(method: "POST", url: endpoint, headers: headers, body: body)
        request.freshConnection = changesAccount
        return try send(request, changesAccount: changesAccount, signed: signed, decodeError: decodeError)
    }

    /// Signs and sends `request` (unsigned), retrying per the policy; returns the 2xx response. A call that
    /// `changesAccount` is retried only when AWS certainly did not carry it out (`AWSError.isRetryable(changesAccount:)`).
    /// `signed: false` sends it as it is, without asking the provider for credentials (calls AWS serves anonymously,
    /// such as STS `AssumeRoleWithWebIdentity`).
    public func send(_ request: AWSHTTPRequest, changesAccount: Bool = false, signed: Bool = true,
                     decodeError: (AWSHTTPResponse) -> AWSError) throws(AWSError) -> AWSHTTPResponse {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: retryPolicy.deadline)
        var attempt = 1
        while true {
            let error: AWSError
            do {
                return try attemptOnce(request, remaining: clock.now.duration(to: deadline), signed: signed,
                                       decodeError: decodeError)
            } catch let failure {
                error = failure
            }
            guard error.isRetryable(changesAccount: changesAccount), attempt < retryPolicy.maxAttempts else { throw error }
            let pause = retryPolicy.delay(retry: attempt)
            // Never sleep past the deadline, nor into a last attempt with no time left.
            guard clock.now.advanced(by: pause) < deadline else { throw error }
            if pause > .zero { Thread.sleep(forTimeInterval: Self.seconds(pause)) }
            attempt += 1
        }
    }

    private func attemptOnce(_ request: AWSHTTPRequest, remaining: Duration, signed: Bool,
                             decodeError: (AWSHTTPResponse) -> AWSError) throws(AWSError) -> AWSHTTPResponse {
        guard remaining > .zero else {
            throw AWSError(.transport, message: "deadline of \(retryPolicy.deadline) reached")
        }
        var limits = timeouts
        limits.total = min(limits.total, remaining)
        limits.connect = min(limits.connect, limits.total)
        var outgoing = request
        if signed {
            let signer = SigV4Signer(credentials: try credentials.credentials(), region: region, service: signingName)
            outgoing = signer.sign(request, date: Date())
        }
        let response = try transport.send(outgoing, timeouts: limits)
        guard (200..<300).contains(response.status) else { throw decodeError(response) }
        return response
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
