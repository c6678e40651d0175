import Foundation

/// Credentials from the ECS / EKS Pod Identity container endpoint.
///
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` → `GET http://169.254.170.2<uri>`;
/// - else `AWS_CONTAINER_CREDENTIALS_FULL_URI`, allowed only for `https`, or `http` to a loopback address
///   (`127.0.0.0/8`, `::1`, `localhost`), `169.254.170.2`, `169.254.170.23` or `[fd00:ec2::23]`;
/// - `Authorization` header from the file named by `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read on every
///   fetch; takes precedence) or from `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
///
/// Fetches on every call: wrap it in `RefreshingCredentialProvider` (the standard chain does).
public struct ContainerCredentialProvider: CredentialProvider {
    public let transport: any AWSTransport
    public let timeouts: AWSTimeouts
    /// Tries per fetch (transport errors and 5xx are retried).
    public let attempts: Int
    private let endpoint: Result<URL, AWSError>?
    private let tokenFile: String?
    private let token: String?

    public static let ecsHost = "169.254.170.2"

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, transport: any AWSTransport,
                timeouts: AWSTimeouts = AWSTimeouts(connect: .seconds(1), total: .seconds(3), maxResponseBytes: 64 << 10),
                attempts: Int = 2) {
        self.transport = transport
        self.timeouts = timeouts
        self.attempts = max(1, attempts)
        tokenFile = AWSProfileFile.nonEmpty(environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"])
        token = AWSProfileFile.nonEmpty(environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
        if let relative = AWSProfileFile.nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            endpoint = URL(string: "http://\(Self.ecsHost)\(path)").map { .success($0) }
                ?? .failure(AWSError(.credentials, message: "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a valid path"))
        } else if let full = AWSProfileFile.nonEmpty(environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"]) {
            endpoint = Self.validatedFullURI(full)
        } else {
            endpoint = nil
        }
    }

    /// Whether one of the two URI variables is set.
    public var isConfigured: Bool { endpoint != nil }

    /// The endpoint that will be asked, when configured and allowed.
    public var endpointURL: URL? { try? endpoint?.get() }

    public func credentials() throws(AWSError) -> AWSCredentials {
        guard let endpoint else {
            throw AWSError(.credentials, message: "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
                           + "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set")
        }
        let url = try endpoint.get()
        let source = "container credentials endpoint \(CurlTransport.redacted(url))"
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let authorization = try authorization() { headers.append(("Authorization", authorization)) }
        let request = AWSHTTPRequest(method: "GET", url: url, headers: headers)
        var lastError = AWSError(.credentials, message: "\(source): no attempt made")
        for _ in 0..<attempts {
            let response: AWSHTTPResponse
            do {
                response = try transport.send(request, timeouts: timeouts)
            } catch {
                lastError = AWSError(.credentials, message: "\(source): \(error.message)")
                continue
            }
            switch response.status {
            case 200:
                return try CredentialsDocument.credentials(from: response.body, source: source)
            case 500...599:
                lastError = AWSError(.credentials, message: "\(source) answered HTTP \(response.status)", status: response.status)
                continue
            default:
                let hint = response.status == 401 || response.status == 403
                    ? " (check AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE / AWS_CONTAINER_AUTHORIZATION_TOKEN)" : ""
                throw AWSError(.credentials, message: "\(source) answered HTTP \(response.status)\(hint)", status: response.status)
            }
        }
        throw lastError
    }

    /// The token file's content (trimmed), else the token variable. Never echoed in errors.
    private func authorization() throws(AWSError) -> String? {
        var value = token
        if let tokenFile {
            do {
                value = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw AWSError(.credentials, message: "container: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile): "
                               + "\(error.localizedDescription)")
            }
        }
        guard let value, !value.isEmpty else { return nil }
        guard !value.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0 }) else {
            throw AWSError(.credentials, message: "container: the authorization token contains a line break")
        }
        return value
    }

    static func validatedFullURI(_ text: String) -> Result<URL, AWSError> {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              var host = url.host(percentEncoded: false), !host.isEmpty else {
            return .failure(AWSError(.credentials, message: "container: AWS_CONTAINER_CREDENTIALS_FULL_URI is not an absolute URL"))
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if scheme == "https" || (scheme == "http" && isAllowedHTTPHost(host)) { return .success(url) }
        return .failure(AWSError(.credentials, message: "container: AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to "
                                 + "a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23; host \(host) is not allowed"))
    }

    static func isAllowedHTTPHost(_ host: String) -> Bool {
        let lower = host.lowercased()
        if lower == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, lower, &v4) == 1 {
            let address = UInt32(bigEndian: v4.s_addr)
            return address >> 24 == 127 || lower == ecsHost || lower == "169.254.170.23"
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, lower, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
            var eksAddress = in6_addr()
            _ = inet_pton(AF_INET6, "fd00:ec2::23", &eksAddress)
            return bytes == loopback || bytes == withUnsafeBytes(of: eksAddress) { Array($0) }
        }
        return false
    }
}
