import Foundation
import Synchronization

/// Instance-role credentials from the EC2 instance metadata service, IMDSv2 only:
/// `PUT /latest/api/token` (`X-aws-ec2-metadata-token-ttl-seconds: 21600`), then
/// `GET /latest/meta-data/iam/security-credentials/` (the role) and `GET …/<role>` (the JSON), both with
/// `X-aws-ec2-metadata-token`. The session token is kept until shortly before its TTL and fetched again on 401.
///
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` overrides the endpoint, `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`
/// selects `http://[fd00:ec2::254]`, `AWS_EC2_METADATA_DISABLED=true` turns the provider off. No IMDSv1 fallback.
/// Fetches on every call: wrap it in `RefreshingCredentialProvider` (the standard chain does).
public final class IMDSCredentialProvider: CredentialProvider {
    public let transport: any AWSTransport
    public let timeouts: AWSTimeouts
    /// Tries per HTTP call (transport errors and 5xx are retried).
    public let attempts: Int
    private let endpoint: Result<URL, AWSError>
    private let disabled: Bool
    private let sessionToken = Mutex<(value: String, expires: ContinuousClock.Instant)?>(nil)

    public static let tokenTTLSeconds = 21_600
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, transport: any AWSTransport,
                timeouts: AWSTimeouts = AWSTimeouts(connect: .seconds(1), total: .seconds(1), maxResponseBytes: 64 << 10),
                attempts: Int = 2) {
        self.transport = transport
        self.timeouts = timeouts
        self.attempts = max(1, attempts)
        disabled = environment["AWS_EC2_METADATA_DISABLED"]?.trimmingCharacters(in: .whitespaces).lowercased() == "true"
        if let configured = AWSProfileFile.nonEmpty(environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"]) {
            var text = configured
            while text.hasSuffix("/") { text.removeLast() }
            endpoint = Result { () throws(AWSError) -> URL in
                try EndpointResolver.validated(url: text, source: "AWS_EC2_METADATA_SERVICE_ENDPOINT")
            }
        } else if environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6" {
            endpoint = .success(URL(string: "http://[fd00:ec2::254]")!)
        } else {
            endpoint = .success(URL(string: "http://169.254.169.254")!)
        }
    }

    /// The metadata service's base URL, unless the override is invalid.
    public var endpointURL: URL? { try? endpoint.get() }

    public func credentials() throws(AWSError) -> AWSCredentials {
        guard !disabled else {
            throw AWSError(.credentials, message: "instance metadata: disabled by AWS_EC2_METADATA_DISABLED")
        }
        let base = try endpoint.get()
        let roles = try get(base, Self.credentialsPath)
        guard let role = String(decoding: roles, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty }) else {
            throw AWSError(.credentials, message: "instance metadata at \(base.absoluteString): no IAM role is attached to this instance")
        }
        guard !role.contains("/"), !role.contains(".."), !role.contains("?"), !role.contains("#") else {
            throw AWSError(.credentials, message: "instance metadata: unexpected role name")
        }
        let document = try get(base, Self.credentialsPath + role)
        return try CredentialsDocument.credentials(from: document, source: "instance metadata role \(role)")
    }

    /// GET with the session token; on 401 the token is fetched again and the GET repeated once.
    private func get(_ base: URL, _ path: String) throws(AWSError) -> [UInt8] {
        let url = URL(string: base.absoluteString + path)!
        for retryWithNewToken in [false, true] {
            let token = try self.token(base, forceNew: retryWithNewToken)
            let response = try send(AWSHTTPRequest(method: "GET", url: url, headers: [("X-aws-ec2-metadata-token", token)]))
            switch response.status {
            case 200:
                return response.body
            case 401 where !retryWithNewToken:
                continue
            case 404 where path == Self.credentialsPath:
                throw AWSError(.credentials, message: "instance metadata at \(base.absoluteString): no IAM role is attached "
                               + "to this instance (HTTP 404)", status: 404)
            default:
                throw AWSError(.credentials, message: "instance metadata GET \(path) answered HTTP \(response.status)",
                               status: response.status)
            }
        }
        throw AWSError(.credentials, message: "instance metadata GET \(path) refused a fresh session token (HTTP 401)", status: 401)
    }

    private func token(_ base: URL, forceNew: Bool) throws(AWSError) -> String {
        let now = ContinuousClock.now
        if !forceNew, let cached = sessionToken.withLock({ $0 }), now < cached.expires { return cached.value }
        let request = AWSHTTPRequest(method: "PUT", url: URL(string: base.absoluteString + "/latest/api/token")!,
                                     headers: [("X-aws-ec2-metadata-token-ttl-seconds", String(Self.tokenTTLSeconds))])
        let response = try send(request)
        guard response.status == 200 else {
            let hint = response.status == 403 ? " (IMDS disabled for this instance?)"
                : response.status == 404 || response.status == 405 ? " (IMDSv2 not available)" : ""
            throw AWSError(.credentials, message: "instance metadata token request answered HTTP \(response.status)\(hint)",
                           status: response.status)
        }
        let value = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty, !value.utf8.contains(where: { $0 < 0x20 }) else {
            throw AWSError(.credentials, message: "instance metadata returned an unusable session token")
        }
        // Renewed a minute before the TTL the service was asked for.
        sessionToken.withLock { $0 = (value, now + .seconds(Self.tokenTTLSeconds - 60)) }
        return value
    }

    /// Sends with `attempts` tries for transport errors and 5xx.
    private func send(_ request: AWSHTTPRequest) throws(AWSError) -> AWSHTTPResponse {
        var lastError: AWSError?
        for attempt in 0..<attempts {
            if attempt > 0 { Thread.sleep(forTimeInterval: 0.05) }
            do {
                let response = try transport.send(request, timeouts: timeouts)
                if (500...599).contains(response.status) && attempt + 1 < attempts { continue }
                return response
            } catch {
                lastError = error
            }
        }
        throw AWSError(.credentials, message: "instance metadata \(request.method) \(request.url.path()): "
                       + (lastError?.message ?? "no response"))
    }
}
