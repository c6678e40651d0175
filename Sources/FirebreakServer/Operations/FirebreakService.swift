import Dispatch
import FirebreakDetection
import FirebreakHTTP
import FirebreakLogs
import FirebreakResponse
import Foundation
import Logging
import Synchronization

/// The running service: the HTTP server, its routes, the worker pool and the metrics, wired from a
/// `ServiceConfiguration`.
public final class FirebreakService: Sendable {
    public let configuration: ServiceConfiguration
    public let metrics: ServiceMetrics
    public let pool: WorkerPool
    private let server: HTTPServer
    /// `/metrics` and `/findings`, on `server.admin_listen`; nil when that is off.
    private let adminServer: HTTPServer?
    private let logger: Logger
    private let accepting = AcceptanceGate()
    /// The metrics as CloudWatch EMF lines on stdout (`metrics.emf`); nil when off.
    private let emf: EMFWriter?
    /// The rule engine, when the service runs one (reloaded on SIGHUP and when its files change).
    public let detection: DetectionEngine?

    /// The response layer, when the service runs one.
    public let response: ResponseCoordinator?

    public init(configuration: ServiceConfiguration, detection: DetectionEngine? = nil, response: ResponseCoordinator? = nil,
                processors: [any BatchProcessor] = [], logger: Logger) {
        self.detection = detection
        self.response = response
        self.configuration = configuration
        self.logger = logger
        let metrics = ServiceMetrics()
        self.metrics = metrics
        let pool = WorkerPool(workers: configuration.workerCount, queueLimit: configuration.queueLength)
        self.pool = pool
        let accepting = self.accepting

        let endpoint = FirehoseEndpoint(
            accessKeys: configuration.accessKeys,
            decoder: DeliveryDecoder(limits: configuration.deliveryLimits,
                                     maxDecompressedBodyBytes: configuration.maxDecompressedBodyBytes,
                                     maxDecompressedBytes: configuration.maxDecompressedBytes,
                                     records: RecordDecoder(configuration: configuration.decoder)),
            processor: BatchProcessorChain([EventMetricsProcessor(metrics: metrics)]
                + (detection.map { [DetectionProcessor(engine: $0, metrics: metrics, logger: logger, response: response)] } ?? []) + processors),
            pool: pool, metrics: metrics, logger: logger, retryAfterSeconds: configuration.retryAfterSeconds)

        // The Firehose listener: deliveries and the health check only.
        var router = HTTPRouter()
        router.route("POST", configuration.firehosePath, body: .upTo(configuration.maxBodyBytes), to: endpoint)
        router.route("GET", configuration.firehosePath) { _, respond in
            respond(FirehoseResponse.make(status: 200, requestID: ""))
        }
        let health = HealthCheck(accepting: accepting, store: response?.store)
        router.route("GET", "/healthz") { _, respond in respond(health.response()) }

        // The admin listener: metrics and findings (events, identities, addresses), behind a token off loopback.
        var admin = HTTPRouter()
        admin.route("GET", "/metrics") { _, respond in
            var response = HTTPResponse.text(200, metrics.registry.render())
            response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
            respond(response)
        }
        admin.route("GET", "/healthz") { _, respond in respond(health.response()) }
        if let response {
            FindingsAPI(store: response.store).register(on: &admin)
            metrics.declareStoreGauges(response.store)
            metrics.declareStoreErrors(response)
            if let pruner = response.pruner { metrics.declarePruner(pruner) }
            if let executor = response.executor { metrics.declareExecutorGauges(executor) }
        }

        var http = configuration.httpConfiguration
        http.errorResponder = { error, head in
            // Every answer is JSON in the Firehose shape, so that Firehose can log it; the request id
            // is echoed when the headers got that far.
            let requestID = head?.headers["X-Amz-Firehose-Request-Id"] ?? ""
            return FirehoseResponse.make(status: error.status, requestID: requestID, errorMessage: error.message)
        }
        self.server = HTTPServer(configuration: http, handler: router)
        if let adminHTTP = configuration.adminHTTPConfiguration {
            let handler: any HTTPHandler = configuration.adminToken.map { AdminTokenGate(token: $0, next: admin) } ?? admin
            self.adminServer = HTTPServer(configuration: adminHTTP, handler: handler)
        } else {
            self.adminServer = nil
        }
        metrics.attach(pool: pool, connections: { [server] in server.activeConnections },
                       inFlight: { [server] in server.inFlightRequests })
        metrics.declareFrontDoor(bufferedBodyBytes: { [server] in server.bufferedBodyBytes },
                                 budgetRefusals: { [server] in server.bodyBudgetRefusals },
                                 idleClosed: { [server] in server.idleConnectionsClosed },
                                 refused: { [server] in server.connectionsRefused })
        metrics.registry.declareCounter(ServiceMetrics.ruleReloads, help: "Rule and list reloads, by result (applied or rejected).")
        emf = configuration.metricsEMF
            ? EMFWriter(registry: metrics.registry, service: configuration.metricsEMFService,
                        intervalSeconds: configuration.metricsEMFIntervalSeconds)
            : nil
        if configuration.tls != nil {
            metrics.declareTLS(expiry: { [server] in Double(server.tlsCertificate?.notAfterEpochSeconds ?? 0) },
                               handshakeFailures: { [server] in server.tlsHandshakeFailures })
        }
    }

    /// Re-reads the TLS certificate and key (SIGHUP): new connections use them, open ones keep theirs.
    /// A certificate or key that fails to load is logged and the previous one stays in use.
    public func reloadTLS() {
        guard configuration.tls != nil else { return }
        do {
            let certificate = try server.reloadTLS()
            metrics.registry.increment(ServiceMetrics.tlsReloads, ["result": "applied"])
            logger.info("TLS certificate reloaded", metadata: Self.metadata(certificate))
            warnIfExpiringSoon(certificate)
        } catch {
            metrics.registry.increment(ServiceMetrics.tlsReloads, ["result": "rejected"])
            logger.error("TLS certificate not reloaded: the previous certificate stays in use",
                         metadata: ["error": .string(error.description)])
        }
    }

    private static func metadata(_ certificate: TLSCertificateInfo) -> Logger.Metadata {
        ["subject": .string(certificate.subject), "issuer": .string(certificate.issuer),
         "notAfter": .string(certificate.notAfter), "sha256": .string(certificate.sha256Fingerprint),
         "chain": .stringConvertible(certificate.chainLength)]
    }

    private func warnIfExpiringSoon(_ certificate: TLSCertificateInfo) {
        let days = (certificate.notAfterEpochSeconds - Int64(Date().timeIntervalSince1970)) / 86_400
        if days < 14 {
            logger.warning("TLS certificate expires soon: renew it, then send SIGHUP", metadata: [
                "notAfter": .string(certificate.notAfter), "days": .stringConvertible(days)])
        }
    }

    /// Reloads rules and lists now (SIGHUP) or when their files changed (`changedOnly`), and logs the outcome.
    public func reloadDetection(changedOnly: Bool) {
        guard let detection else { return }
        let report: DetectionEngine.LoadReport
        if changedOnly {
            guard let changed = detection.reloadIfChanged() else { return }
            report = changed
        } else {
            report = detection.reload()
        }
        metrics.registry.increment(ServiceMetrics.ruleReloads, ["result": report.applied ? "applied" : "rejected"])
        let meta: Logger.Metadata = [
            "rules": .stringConvertible(report.rules), "correlations": .stringConvertible(report.correlations),
            "durationMs": .string(String(format: "%.1f", report.milliseconds)),
            "problems": .array(report.problems.map { .string($0.description) }),
        ]
        if report.applied {
            logger.info("rules reloaded", metadata: meta)
        } else {
            logger.error("rules not reloaded: the previous rules stay in force", metadata: meta)
        }
    }

    /// Loads the TLS certificate and key (if configured) and binds every listen address; throws when one fails.
    public func start() throws(HTTPServerError) {
        try server.start()
        if let adminServer {
            do {
                try adminServer.start()
            } catch {
                server.shutdown(drainTimeout: .zero) { _ in }
                throw error
            }
            logger.info("admin listening", metadata: [
                "addresses": .array(adminServer.boundAddresses.map { .string($0.description) }),
                "routes": .string("/metrics, /findings, /healthz"),
                "token": .string(configuration.adminToken == nil ? "none (loopback)" : "required"),
            ])
        }
        logger.info("listening", metadata: [
            "addresses": .array(server.boundAddresses.map { .string($0.description) }),
            "firehosePath": .string(configuration.firehosePath),
            "accessKeys": .stringConvertible(configuration.accessKeys.count),
            "workers": .stringConvertible(configuration.workerCount),
            "queueLength": .stringConvertible(configuration.queueLength),
            "rules": .stringConvertible(detection.map { $0.ruleSet.rules.count + $0.ruleSet.correlations.count } ?? 0),
            "tls": .string(server.tlsCertificate == nil ? "off" : "on"),
        ])
        if let certificate = server.tlsCertificate {
            logger.info("TLS certificate loaded", metadata: Self.metadata(certificate))
            warnIfExpiringSoon(certificate)
        }
        if configuration.accessKeys.isEmpty {
            logger.warning("no Firehose access key configured: every delivery is accepted (allowed on loopback only)")
        }
        if let emf {
            emf.start()
            logger.info("metrics written to stdout as CloudWatch EMF", metadata: [
                "namespace": .string(EMFLineBuilder.namespace), "service": .string(configuration.metricsEMFService),
                "intervalSeconds": .stringConvertible(emf.intervalSeconds),
            ])
        }
    }

    /// Stops the EMF timer and writes the last interval's lines (`metrics.emf`); call it once the service, its
    /// executor and pruner have stopped, so that the lines hold everything they did. Later calls do nothing.
    public func stopMetrics() {
        emf?.stop()
    }

    public var boundAddresses: [HTTPListenAddress] { server.boundAddresses }

    /// Stops accepting, lets in-flight deliveries finish for up to the drain time, then calls `completion`.
    public func shutdown(completion: @escaping @Sendable (_ drained: Bool) -> Void) {
        accepting.close()
        server.stopAdmitting()
        logger.info("draining", metadata: ["drainSeconds": .stringConvertible(configuration.drainTime.components.seconds)])
        adminServer?.shutdown(drainTimeout: .seconds(1)) { _ in }
        server.shutdown(drainTimeout: configuration.drainTime) { [logger] drained in
            logger.info("stopped", metadata: ["drained": .stringConvertible(drained)])
            completion(drained)
        }
    }

    /// Runs until SIGTERM or SIGINT, then drains and returns whether the drain finished in time.
    /// SIGHUP reloads rules and lists, and the TLS certificate and key; a change to the rule files
    /// (rules.reload_check_seconds) reloads the rules.
    public func runUntilSignalled() -> Bool {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let done = DispatchSemaphore(value: 0)
        let result = Mutex(true)
        let signalQueue = DispatchQueue(label: "firebreak.signals")
        let once = Mutex(false)
        var sources: [any DispatchSourceProtocol] = []
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: signalQueue)
        hangup.setEventHandler { @Sendable in
            self.reloadDetection(changedOnly: false)
            self.reloadTLS()
        }
        hangup.resume()
        sources.append(hangup)
        if detection != nil, configuration.reloadCheckSeconds > 0 {
            let timer = DispatchSource.makeTimerSource(queue: signalQueue)
            let interval = DispatchTimeInterval.seconds(configuration.reloadCheckSeconds)
            timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .seconds(1))
            timer.setEventHandler { @Sendable in self.reloadDetection(changedOnly: true) }
            timer.resume()
            sources.append(timer)
        }
        for signo in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: signo, queue: signalQueue)
            source.setEventHandler { @Sendable [logger] in
                let first = once.withLock { fired in
                    defer { fired = true }
                    return !fired
                }
                guard first else { return }
                logger.info("signal received", metadata: ["signal": .string(signo == SIGTERM ? "SIGTERM" : "SIGINT")])
                self.shutdown { drained in
                    result.withLock { $0 = drained }
                    done.signal()
                }
            }
            source.resume()
            sources.append(source)
        }
        done.wait()
        sources.forEach { $0.cancel() }
        return result.withLock { $0 }
    }
}
