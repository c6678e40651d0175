import Foundation

/// Resolves regions and service endpoints the way the AWS SDKs do, from an explicit value, the environment and
/// the shared config file. The environment is a parameter so tests never touch the process's.
///
/// Endpoint order: an explicit override (service configuration) > `AWS_ENDPOINT_URL_<SERVICE>` > `AWS_ENDPOINT_URL`
/// > `https://<prefix>.<region>.amazonaws.com` (`.amazonaws.com.cn` for `cn-` regions). The two variables are
/// ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`. `endpoint_url` and `services` sections of the config
/// file are not read.
public struct EndpointResolver: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Explicit > `AWS_REGION` > `AWS_DEFAULT_REGION` > `region` of the profile (`AWS_PROFILE`, default `default`)
    /// in the config file (`AWS_CONFIG_FILE`, default `~/.aws/config`).
    public func region(explicit: String? = nil) throws(AWSError) -> String {
        // Written out rather than as a loop over (value, source) pairs: with typed throws inside, that loop
        // crashes the Swift 6.3.1 optimizer (ownership verifier, CopyPropagation) in release builds.
        if let region = AWSProfileFile.nonEmpty(explicit) {
            return try Self.validated(region: region, source: "the configured region")
        }
        if let region = AWSProfileFile.nonEmpty(environment["AWS_REGION"]) {
            return try Self.validated(region: region, source: "AWS_REGION")
        }
        if let region = AWSProfileFile.nonEmpty(environment["AWS_DEFAULT_REGION"]) {
            return try Self.validated(region: region, source: "AWS_DEFAULT_REGION")
        }
        let profileName = AWSProfileFile.profileName(environment: environment)
        let path = AWSProfileFile.configPath(environment: environment)
        let file = try AWSProfileFile.load(path: path, kind: .config)
        if let region = AWSProfileFile.nonEmpty(file.profile(profileName)?["region"]) {
            return try Self.validated(region: region, source: "profile \(profileName) in \(path)")
        }
        throw AWSError(.invalidParameter, message: "no AWS region: set it in the configuration, or AWS_REGION, "
                       + "or region in profile \(profileName) of \(path)")
    }

    /// The endpoint of `service` in `region`; `override` (from the service configuration) wins over everything.
    public func endpoint(for service: AWSService, region: String, override: URL? = nil) throws(AWSError) -> AWSEndpoint {
        let region = try Self.validated(region: region, source: "region")
        func endpoint(_ url: URL, _ source: String) -> AWSEndpoint {
            AWSEndpoint(url: url, signingRegion: region, signingName: service.signingName, source: source)
        }
        if let override {
            return endpoint(try Self.validated(url: override.absoluteString, source: "the configured endpoint"), "configured")
        }
        let ignoreConfigured = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
        // Written out rather than as a loop (see `region`: the same optimizer crash).
        if !ignoreConfigured, let value = AWSProfileFile.nonEmpty(environment[service.endpointEnvironmentVariable]) {
            let variable = service.endpointEnvironmentVariable
            return endpoint(try Self.validated(url: value, source: variable), variable)
        }
        if !ignoreConfigured, let value = AWSProfileFile.nonEmpty(environment["AWS_ENDPOINT_URL"]) {
            return endpoint(try Self.validated(url: value, source: "AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL")
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        guard let url = URL(string: "https://\(service.endpointPrefix).\(region).\(suffix)") else {
            throw AWSError(.invalidParameter, message: "cannot form the \(service.id) endpoint for region \(region)")
        }
        return endpoint(url, "default")
    }

    /// Regions are DNS labels: lower-case letters, digits and `-`.
    static func validated(region: String, source: String) throws(AWSError) -> String {
        guard !region.isEmpty, region.count <= 64,
              region.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }) else {
            throw AWSError(.invalidParameter, message: "\(source): \"\(region)\" is not an AWS region (like us-east-1)")
        }
        return region
    }

    /// An absolute `http`/`https` URL with a host; no user info, query or fragment.
    static func validated(url text: String, source: String) throws(AWSError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host(percentEncoded: true), !host.isEmpty,
              url.user == nil, url.password == nil, url.query == nil, url.fragment == nil else {
            // The value is not echoed: it could carry credentials in its user info.
            throw AWSError(.invalidParameter, message: "\(source) is not an http(s) URL with a host and no user info, "
                           + "query or fragment (e.g. http://127.0.0.1:5000)")
        }
        return url
    }
}
