import FirebreakDetection
import FirebreakHTTP
import FirebreakLogs
import FirebreakResponse
import FirebreakTime
import Foundation

/// Everything `firebreak serve` needs, typed and validated.
public struct ServiceConfiguration: Sendable {
    public var listen: [HTTPListenAddress]
    /// TLS on every listener (server.tls.certificate and server.tls.private_key); nil serves plain HTTP.
    public var tls: TLSConfiguration?
    public var maxBodyBytes: Int
    public var maxHeaderBytes: Int
    public var maxHeaders: Int
    public var headerTimeout: Duration
    public var bodyTimeout: Duration
    public var idleTimeout: Duration
    public var writeTimeout: Duration
    public var maxConnections: Int
    public var maxConnectionsPerAddress: Int
    public var maxBufferedBodyBytes: Int
    public var minBodyBytesPerSecond: Int
    /// The admin listener (`/metrics`, `/findings`); nil when turned off.
    public var adminListen: HTTPListenAddress?
    /// The admin listener's bearer token (a secret: never printed); nil when none is configured.
    public var adminToken: String?
    public var drainTime: Duration

    public var firehosePath: String
    /// Accepted access keys; never printed or logged.
    public var accessKeys: AccessKeyVerifier
    public var deliveryLimits: FirehoseDeliveryLimits
    public var maxDecompressedBodyBytes: Int
    public var maxDecompressedBytes: Int

    public var workerCount: Int
    public var queueLength: Int
    public var retryAfterSeconds: Int

    public var decoder: DecoderConfiguration
    public var logLevel: String

    /// Rules, lists and network facts for the detection engine.
    public var detection: DetectionSources
    public var reloadCheckSeconds: Int
    /// `intel.feeds`: lists fetched over HTTPS into `intel.folder` and refreshed (`IntelFeedFetcher`).
    public var intelFeeds: [IntelFeed]
    /// `findings.samples`: matched events kept per finding.
    public var findingSamples: Int

    /// The response layer: mode, playbooks, store, alerts, AWS.
    public var mode: ResponseMode
    public var playbooksPath: String
    /// `store.backend`: one SQLite file, or one DynamoDB table shared by several tasks.
    public var storeBackend: StoreBackend
    public var storePath: String
    /// `executor.lease_seconds`: how long a claimed action is its executor's before another may take it over.
    public var executorLease: TimeInterval
    /// How long findings and delivery request ids are kept (`store.retention.*`).
    public var storeRetention: RetentionPolicy
    /// `store.max_bytes`: commits are refused at this size, the oldest closed findings pruned near it; 0: no limit.
    public var storeMaxBytes: Int64
    /// Start an empty store where one was lost (`firebreak serve --init-store`); not a configuration key.
    public var replaceLostStore = false
    public var alertTopicArn: String?
    public var awsRegion: String?
    /// `aws.account_id`: the service's own account; nil: asked of STS when first needed.
    public var awsAccountID: String?
    /// `aws.assume_role_arn`: the role assumed in a finding's account (`{account_id}` replaced); nil: own account only.
    public var awsAssumeRoleArn: String?
    /// `aws.external_id`: the `sts:ExternalId` member roles require. Never logged.
    public var awsExternalID: String?
    /// `export.min_level`: findings below it are not exported.
    public var exportMinLevel: RuleLevel
    /// `export.securityhub.enabled`: import findings into Security Hub through the outbox.
    public var exportSecurityHub: Bool

    /// `metrics.emf`: write the metrics to stdout as CloudWatch Embedded Metric Format lines (`EMFWriter`).
    public var metricsEMF: Bool
    /// `metrics.emf_interval_seconds`: time between two EMF flushes.
    public var metricsEMFIntervalSeconds: Int
    /// `metrics.emf_service`: the `Service` dimension of every EMF metric.
    public var metricsEMFService: String

    /// Loads the embedded default, then `file` (if any), then the `FIREBREAK_*` variables of `environment`.
    public static func load(file: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationError) -> ServiceConfiguration
    {
        var layers = try ConfigurationLayers(defaultYAML: DefaultConfiguration.yaml, source: "the embedded default configuration")
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw .unreadableFile(path: file, reason: (error as NSError).localizedDescription)
            }
            try layers.apply(yaml: text, source: file)
        }
        layers.apply(environment: environment)
        return try ServiceConfiguration(layers: layers)
    }

    init(layers c: ConfigurationLayers) throws(ConfigurationError) {
        var addresses: [HTTPListenAddress] = []
        for text in try c.stringList("server.listen") {
            do {
                addresses.append(try HTTPListenAddress.parse(text))
            } catch {
                throw .invalidValue(key: "server.listen", source: c.source(of: "server.listen"),
                                    expected: "addresses like 127.0.0.1:8080 or [::1]:8080 (got '\(text)')")
            }
        }
        guard !addresses.isEmpty else {
            throw .invalidValue(key: "server.listen", source: c.source(of: "server.listen"), expected: "at least one address")
        }
        listen = addresses
        let certificate = try c.string("server.tls.certificate").trimmingCharacters(in: .whitespaces)
        let privateKey = try c.string("server.tls.private_key").trimmingCharacters(in: .whitespaces)
        switch (certificate.isEmpty, privateKey.isEmpty) {
        case (true, true):
            tls = nil
        case (false, true):
            throw .invalidValue(key: "server.tls.private_key", source: c.source(of: "server.tls.private_key"),
                                expected: "the PEM private key of server.tls.certificate (set both, or neither for plain HTTP)")
        case (true, false):
            throw .invalidValue(key: "server.tls.certificate", source: c.source(of: "server.tls.certificate"),
                                expected: "the PEM certificate (chain) of server.tls.private_key (set both, or neither for plain HTTP)")
        case (false, false):
            var settings = TLSConfiguration(certificatePath: certificate, privateKeyPath: privateKey)
            settings.certificateName = "server.tls.certificate"
            settings.privateKeyName = "server.tls.private_key"
            tls = settings
        }
        maxBodyBytes = try c.int("server.max_body_bytes", min: 1024, max: 1 << 30)
        maxHeaderBytes = try c.int("server.max_header_bytes", min: 1024, max: 1 << 20)
        maxHeaders = try c.int("server.max_headers", min: 8, max: 10_000)
        headerTimeout = .seconds(try c.int("server.header_timeout_seconds", min: 1, max: 3600))
        bodyTimeout = .seconds(try c.int("server.body_timeout_seconds", min: 1, max: 3600))
        idleTimeout = .seconds(try c.int("server.idle_timeout_seconds", min: 1, max: 86_400))
        writeTimeout = .seconds(try c.int("server.write_timeout_seconds", min: 1, max: 3600))
        maxConnections = try c.int("server.max_connections", min: 1, max: 1_000_000)
        maxConnectionsPerAddress = try c.int("server.max_connections_per_address", min: 1, max: 1_000_000)
        maxBufferedBodyBytes = try c.int("server.max_buffered_body_bytes", min: 1024, max: 1 << 40)
        minBodyBytesPerSecond = try c.int("server.min_body_bytes_per_second", min: 0, max: 1 << 30)
        let admin = try c.string("server.admin_listen").trimmingCharacters(in: .whitespaces)
        if admin.isEmpty {
            adminListen = nil
        } else {
            do {
                adminListen = try HTTPListenAddress.parse(admin)
            } catch {
                throw .invalidValue(key: "server.admin_listen", source: c.source(of: "server.admin_listen"),
                                    expected: "an address like 127.0.0.1:9090, or \"\" for no admin listener (got '\(admin)')")
            }
        }
        var token = try c.string("server.admin_token").trimmingCharacters(in: .whitespacesAndNewlines)
        let tokenFile = try c.string("server.admin_token_file")
        if token.isEmpty && !tokenFile.isEmpty {
            do {
                token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw .secretFile(key: "server.admin_token_file", path: tokenFile, reason: (error as NSError).localizedDescription)
            }
            guard !token.isEmpty else {
                throw .secretFile(key: "server.admin_token_file", path: tokenFile, reason: "the file is empty")
            }
        }
        adminToken = token.isEmpty ? nil : token
        drainTime = .seconds(try c.int("server.drain_seconds", min: 0, max: 3600))

        firehosePath = try c.string("firehose.path")
        guard firehosePath.hasPrefix("/") else {
            throw .invalidValue(key: "firehose.path", source: c.source(of: "firehose.path"), expected: "a path starting with /")
        }
        var keys: [String] = []
        let inline = try c.string("firehose.access_key")
        if !inline.isEmpty { keys.append(AccessKeyVerifier.unwrapSecret(inline)) }
        let secondary = try c.string("firehose.secondary_access_key")
        if !secondary.isEmpty { keys.append(AccessKeyVerifier.unwrapSecret(secondary)) }
        let keyFile = try c.string("firehose.access_key_file")
        if !keyFile.isEmpty {
            keys.append(contentsOf: try AccessKeyVerifier.readKeyFile(keyFile))
        }
        accessKeys = AccessKeyVerifier(keys: keys)
        deliveryLimits = FirehoseDeliveryLimits(
            maxRecords: try c.int("firehose.max_records", min: 1, max: 1_000_000),
            maxRecordBytes: try c.int("firehose.max_record_bytes", min: 1, max: 1 << 30))
        maxDecompressedBodyBytes = try c.int("firehose.max_decompressed_body_bytes", min: 1024, max: 1 << 34)
        maxDecompressedBytes = try c.int("firehose.max_decompressed_bytes", min: 1024, max: 1 << 36)

        let cores = ProcessInfo.processInfo.activeProcessorCount
        let count = try c.int("workers.count", min: 0, max: 1024)
        workerCount = count == 0 ? max(1, cores) : count
        queueLength = try c.int("workers.queue_length", min: 0, max: 100_000)
        retryAfterSeconds = try c.int("workers.retry_after_seconds", min: 1, max: 3600)

        var formats: [FlowLogFormatRule] = []
        for row in try c.mappingList("decode.flow_log_formats") {
            let source = c.source(of: "decode.flow_log_formats")
            guard let prefix = row["log_group_prefix"], let text = row["format"] else {
                throw .invalidValue(key: "decode.flow_log_formats", source: source,
                                    expected: "entries with log_group_prefix and format")
            }
            do {
                formats.append(FlowLogFormatRule(logGroupPrefix: prefix, format: try FlowLogFormat(parsing: text)))
            } catch {
                throw .invalidValue(key: "decode.flow_log_formats", source: source,
                                    expected: "valid flow-log formats (\(error))")
            }
        }
        var decoder = DecoderConfiguration()
        decoder.flowLogFormats = formats
        decoder.maxLineBytes = try c.int("decode.max_line_bytes", min: 256, max: 1 << 26)
        decoder.maxEventsPerRecord = try c.int("decode.max_events_per_record", min: 1, max: 100_000_000)
        decoder.maxDecompressedBytes = try c.int("decode.max_record_decompressed_bytes", min: 1024, max: 1 << 34)
        decoder.maxCompressionRatio = try c.int("decode.max_compression_ratio", min: 2, max: 1_000_000)
        self.decoder = decoder

        var intel = IntelConfiguration()
        let folder = try c.string("intel.folder")
        intel.folder = folder.isEmpty ? nil : folder
        for binding in try c.stringList("intel.lists") {
            guard let (name, path) = IntelConfiguration.parseBinding(binding) else {
                throw .invalidValue(key: "intel.lists", source: c.source(of: "intel.lists"), expected: "NAME=PATH entries (got '\(binding)')")
            }
            intel.lists[name] = path
        }
        intel.ipsumMinimumCount = try c.int("intel.ipsum_min_count", min: 1, max: 1000)
        intelFeeds = try Self.feeds(c, folder: intel.folder)
        // A feed not fetched yet is an empty list until its first fetch, so rules naming it still load.
        intel.pendingLists = intelFeeds.filter { $0.format != .domains }.map(\.name)
        let cidrs = try c.stringList("network.internal_cidrs")
        let internalNetworks: IPSet
        do {
            internalNetworks = try IPSet(parsing: cidrs)
        } catch {
            throw .invalidValue(key: "network.internal_cidrs", source: c.source(of: "network.internal_cidrs"),
                                expected: "comma-separated CIDRs (\(error))")
        }
        let dedupWindow = Int64(try c.duration("findings.dedup_window", min: 1, max: 30 * 86_400)) * 1000
        findingSamples = try c.int("findings.samples", min: 1, max: 100)
        var dedupOverrides: [FindingDedup.Override] = []
        for row in try c.mappingList("findings.dedup_rules") {
            let source = c.source(of: "findings.dedup_rules")
            let expected = "entries with rule (an id or name) or tag, and fields (comma-separated) and/or window (like 10m)"
            guard (row["rule"] == nil) != (row["tag"] == nil), row["fields"] != nil || row["window"] != nil,
                  Set(row.keys).isSubset(of: ["rule", "tag", "fields", "window"]) else {
                throw .invalidValue(key: "findings.dedup_rules", source: source, expected: expected)
            }
            var settings = SigmaRule.Dedup()
            if let fields = row["fields"] {
                let names = fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !names.isEmpty else { throw .invalidValue(key: "findings.dedup_rules", source: source, expected: expected) }
                settings.fields = names
            }
            if let window = row["window"] {
                guard let seconds = DurationText.parse(window), seconds >= 1, seconds <= 30 * 86_400 else {
                    throw .invalidValue(key: "findings.dedup_rules", source: source,
                                        expected: "windows from 1s to 30d, written like 90m, 24h or seconds (got '\(window)')")
                }
                settings.windowMillis = Int64(seconds) * 1000
            }
            dedupOverrides.append(FindingDedup.Override(rule: row["rule"], tag: row["tag"], settings: settings))
        }
        detection = DetectionSources(rulePaths: try c.stringList("rules.paths"), intel: intel,
                                     network: NetworkContext(internalNetworks: internalNetworks),
                                     maxOpenGroups: try c.int("correlation.max_open_groups", min: 1, max: 100_000_000),
                                     dedup: FindingDedup(windowMillis: dedupWindow), dedupOverrides: dedupOverrides)
        reloadCheckSeconds = try c.int("rules.reload_check_seconds", min: 0, max: 86_400)

        guard let mode = ResponseMode(rawValue: try c.string("mode")) else {
            throw .invalidValue(key: "mode", source: c.source(of: "mode"), expected: "observe, dry-run or enforce")
        }
        self.mode = mode
        playbooksPath = try c.string("playbooks.path")
        storePath = try c.string("store.path")
        let table = try c.string("store.dynamodb.table").trimmingCharacters(in: .whitespaces)
        switch try c.string("store.backend") {
        case "sqlite":
            storeBackend = .sqlite
        case "dynamodb":
            guard StoreBackend.isTableName(table) else {
                throw .invalidValue(key: "store.dynamodb.table", source: c.source(of: "store.dynamodb.table"),
                                    expected: "the state table's name (3-255 of A-Z a-z 0-9 _ - .) with store.backend dynamodb"
                                        + (table.isEmpty ? "" : " (got '\(table)')"))
            }
            storeBackend = .dynamodb(table: table)
        default:
            throw .invalidValue(key: "store.backend", source: c.source(of: "store.backend"), expected: "sqlite or dynamodb")
        }
        executorLease = TimeInterval(try c.int("executor.lease_seconds", min: 10, max: 86_400))
        // Firehose retries a delivery for up to 7,200 s: a request id forgotten sooner would be evaluated twice.
        storeRetention = RetentionPolicy(
            findings: TimeInterval(try c.duration("store.retention.findings", min: 3600, max: 3650 * 86400)),
            deliveries: TimeInterval(try c.duration("store.retention.deliveries", min: 7200, max: 3650 * 86400)))
        let maxBytes = try c.int("store.max_bytes", min: 0, max: 1 << 50)
        guard maxBytes == 0 || maxBytes >= 1 << 20 else {
            throw .invalidValue(key: "store.max_bytes", source: c.source(of: "store.max_bytes"),
                                expected: "0 (no limit) or at least 1048576 (1 MiB), in bytes (got \(maxBytes))")
        }
        storeMaxBytes = Int64(maxBytes)
        let topic = try c.string("alerts.sns_topic_arn")
        alertTopicArn = topic.isEmpty ? nil : topic
        let region = try c.string("aws.region")
        awsRegion = region.isEmpty ? nil : region
        let account = try c.string("aws.account_id")
        guard account.isEmpty || (account.count == 12 && account.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }) else {
            throw .invalidValue(key: "aws.account_id", source: c.source(of: "aws.account_id"),
                                expected: "a 12-digit AWS account id, or empty to ask STS")
        }
        awsAccountID = account.isEmpty ? nil : account
        let role = try c.string("aws.assume_role_arn").trimmingCharacters(in: .whitespaces)
        guard role.isEmpty || (role.hasPrefix("arn:aws") && role.contains(":role/") && role.contains("{account_id}")) else {
            throw .invalidValue(key: "aws.assume_role_arn", source: c.source(of: "aws.assume_role_arn"),
                                expected: "an IAM role ARN such as arn:aws:iam::{account_id}:role/FirebreakResponder, or empty")
        }
        awsAssumeRoleArn = role.isEmpty ? nil : role
        let externalID = try c.string("aws.external_id")
        awsExternalID = externalID.isEmpty ? nil : externalID
        let minLevel = try c.string("export.min_level")
        guard let level = RuleLevel(rawValue: minLevel) else {
            throw .invalidValue(key: "export.min_level", source: c.source(of: "export.min_level"),
                                expected: RuleLevel.allCases.map(\.rawValue).joined(separator: ", "))
        }
        exportMinLevel = level
        exportSecurityHub = try c.bool("export.securityhub.enabled")

        metricsEMF = try c.bool("metrics.emf")
        metricsEMFIntervalSeconds = try c.int("metrics.emf_interval_seconds", min: 1, max: 3600)
        metricsEMFService = try Self.emfService(c)

        logLevel = try c.string("logging.level")
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(logLevel) else {
            throw .invalidValue(key: "logging.level", source: c.source(of: "logging.level"), expected: levels.joined(separator: ", "))
        }
    }

    /// `metrics.emf_service`: a CloudWatch dimension value, kept to printable ASCII so that it reads the same in
    /// alarms, dashboards and the task definition.
    private static func emfService(_ c: ConfigurationLayers) throws(ConfigurationError) -> String {
        let service = try c.string("metrics.emf_service")
        let printable = service.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        guard printable, (1...255).contains(service.count), service.trimmingCharacters(in: .whitespaces) == service else {
            throw .invalidValue(key: "metrics.emf_service", source: c.source(of: "metrics.emf_service"),
                                expected: "a name of 1 to 255 printable ASCII characters without leading or trailing spaces "
                                    + "(the Service dimension of every EMF metric), e.g. firebreak-prod")
        }
        return service
    }

    /// `intel.feeds`: `{name, url, format, refresh}` entries, names unique, written into `intel.folder`.
    private static func feeds(_ c: ConfigurationLayers, folder: String?) throws(ConfigurationError) -> [IntelFeed] {
        let source = c.source(of: "intel.feeds")
        var feeds: [IntelFeed] = []
        for row in try c.mappingList("intel.feeds") {
            switch IntelFeed.parse(row) {
            case .success(let feed):
                guard !feeds.contains(where: { $0.name == feed.name }) else {
                    throw .invalidValue(key: "intel.feeds", source: source, expected: "feeds with distinct names ('\(feed.name)' is used twice)")
                }
                feeds.append(feed)
            case .failure(let problem):
                throw .invalidValue(key: "intel.feeds", source: source, expected: "a list of {name, url, format, refresh}; \(problem.message)")
            }
        }
        if !feeds.isEmpty && folder == nil {
            throw .invalidValue(key: "intel.feeds", source: source,
                                expected: "empty unless intel.folder is set: fetched lists are written to that folder")
        }
        return feeds
    }

    /// Throws when a non-loopback address would accept deliveries without a key, or serve the admin routes
    /// without a token.
    public func validateExposure() throws(ConfigurationError) {
        let exposed = listen.filter { !$0.isLoopback }
        if !exposed.isEmpty && accessKeys.isEmpty {
            throw .accessKeyRequired(addresses: exposed.map(\.description).joined(separator: ", "))
        }
        if let adminListen, !adminListen.isLoopback, adminToken == nil {
            throw .adminTokenRequired(address: adminListen.description)
        }
    }

    /// The HTTP server settings derived from this configuration.
    public var httpConfiguration: HTTPServer.Configuration {
        var http = HTTPServer.Configuration(listen: listen)
        http.tls = tls
        http.handshakeTimeout = headerTimeout
        http.maxBodyBytes = maxBodyBytes
        http.maxHeaderBytes = maxHeaderBytes
        http.maxHeaderCount = maxHeaders
        http.headerTimeout = headerTimeout
        http.bodyTimeout = bodyTimeout
        http.idleTimeout = idleTimeout
        http.writeTimeout = writeTimeout
        http.maxConnections = maxConnections
        http.maxConnectionsPerAddress = maxConnectionsPerAddress
        http.maxBufferedBodyBytes = maxBufferedBodyBytes
        http.minBodyBytesPerSecond = minBodyBytesPerSecond
        http.retryAfterSeconds = retryAfterSeconds
        return http
    }

    /// The admin listener's HTTP settings: this configuration's limits, no request bodies; nil when it is off.
    public var adminHTTPConfiguration: HTTPServer.Configuration? {
        guard let adminListen else { return nil }
        var http = httpConfiguration
        http.listen = [adminListen]
        http.maxBodyBytes = 0
        return http
    }
}

extension ServiceConfiguration {
    /// The effective settings, one per line, with the access keys redacted.
    public var summary: String {
        func seconds(_ d: Duration) -> String { "\(d.components.seconds)s" }
        return """
            server.listen: \(listen.map(\.description).joined(separator: ", "))
            server.tls: \(tls.map { "certificate \($0.certificatePath), private key \($0.privateKeyPath)" } ?? "off (plain HTTP)")
            server.max_body_bytes: \(maxBodyBytes)
            server.max_header_bytes: \(maxHeaderBytes)
            server.max_headers: \(maxHeaders)
            server.timeouts: header \(seconds(headerTimeout)), body \(seconds(bodyTimeout)), idle \(seconds(idleTimeout)), write \(seconds(writeTimeout))
            server.max_connections: \(maxConnections) (per address \(maxConnectionsPerAddress))
            server.max_buffered_body_bytes: \(maxBufferedBodyBytes)
            server.min_body_bytes_per_second: \(minBodyBytesPerSecond)
            server.admin_listen: \(adminListen?.description ?? "off")
            server.admin_token: \(adminToken == nil ? "none" : "configured (redacted)")
            server.drain_seconds: \(drainTime.components.seconds)
            firehose.path: \(firehosePath)
            firehose.access_keys: \(accessKeys.count) configured (redacted)
            firehose.max_records: \(deliveryLimits.maxRecords)
            firehose.max_record_bytes: \(deliveryLimits.maxRecordBytes)
            firehose.max_decompressed_body_bytes: \(maxDecompressedBodyBytes)
            firehose.max_decompressed_bytes: \(maxDecompressedBytes)
            workers.count: \(workerCount)
            workers.queue_length: \(queueLength)
            decode.flow_log_formats: \(decoder.flowLogFormats.map(\.logGroupPrefix).joined(separator: ", "))
            decode.max_line_bytes: \(decoder.maxLineBytes)
            rules.paths: \(detection.rulePaths.joined(separator: ", "))
            rules.reload_check_seconds: \(reloadCheckSeconds)
            correlation.max_open_groups: \(detection.maxOpenGroups)
            findings.dedup_window: \(DurationText.format(Int(detection.dedup.windowMillis / 1000)))
            findings.samples: \(findingSamples)
            findings.dedup_rules: \(detection.dedupOverrides.count) entr(ies)
            intel.folder: \(detection.intel.folder ?? "")
            intel.lists: \(detection.intel.lists.keys.sorted().map { "\($0)=\(detection.intel.lists[$0]!)" }.joined(separator: ", "))
            intel.feeds: \(intelFeeds.map { "\($0.name) (\($0.format.rawValue) from \($0.host), every \(DurationText.format($0.refreshSeconds)))" }.joined(separator: ", "))
            network.internal_cidrs: \(detection.network.internalNetworks.rangeCount) range(s)
            mode: \(mode.rawValue)
            playbooks.path: \(playbooksPath)
            store.backend: \(storeBackend)
            store.path: \(storePath)
            executor.lease_seconds: \(Int(executorLease))
            store.retention: findings \(DurationText.format(Int(storeRetention.findings))), deliveries \(DurationText.format(Int(storeRetention.deliveries)))
            store.max_bytes: \(storeMaxBytes == 0 ? "0 (no limit)" : String(storeMaxBytes))
            alerts.sns_topic_arn: \(alertTopicArn ?? "")
            aws.region: \(awsRegion ?? "(from the environment)")
            aws.account_id: \(awsAccountID ?? "(from STS when needed)")
            aws.assume_role_arn: \(awsAssumeRoleArn ?? "")
            aws.external_id: \(awsExternalID == nil ? "" : "(set)")
            export.min_level: \(exportMinLevel.rawValue)
            export.securityhub.enabled: \(exportSecurityHub)
            metrics.emf: \(metricsEMF ? "on, every \(metricsEMFIntervalSeconds)s, namespace \(EMFLineBuilder.namespace), service \(metricsEMFService)" : "off")
            logging.level: \(logLevel)
            """
    }
}
