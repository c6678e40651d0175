import FirebreakResponse

/// The service's metric names and their declarations in one registry.
public struct ServiceMetrics: Sendable {
    public static let deliveries = "firebreak_deliveries_total"
    public static let records = "firebreak_records_total"
    public static let bytesReceived = "firebreak_received_bytes_total"
    public static let decompressedBytes = "firebreak_decompressed_bytes_total"
    public static let decodeErrors = "firebreak_decode_errors_total"
    public static let events = "firebreak_events_total"
    public static let controlMessages = "firebreak_control_messages_total"
    public static let deliveryDuration = "firebreak_delivery_duration_seconds"
    public static let queueDepth = "firebreak_worker_queue_depth"
    public static let queueCapacity = "firebreak_worker_queue_capacity"
    public static let busyWorkers = "firebreak_workers_busy"
    public static let connections = "firebreak_http_connections"
    public static let inFlight = "firebreak_http_requests_in_flight"
    public static let bufferedBodyBytes = "firebreak_http_buffered_body_bytes"
    public static let bodyBudgetRefusals = "firebreak_http_body_budget_refusals_total"
    public static let idleConnectionsClosed = "firebreak_http_idle_connections_closed_total"
    public static let connectionsRefused = "firebreak_http_connections_refused_total"
    public static let findings = "firebreak_findings_total"
    public static let matches = "firebreak_matches_total"
    public static let rulesLoaded = "firebreak_rules_loaded"
    public static let ruleReloads = "firebreak_rule_reloads_total"
    public static let correlationGroups = "firebreak_correlation_open_groups"
    public static let correlationEvictions = "firebreak_correlation_evictions"

    public static let actions = "firebreak_actions"
    public static let executorQueue = "firebreak_executor_queue_depth"
    public static let storeBytes = "firebreak_store_bytes"
    public static let storeFreeBytes = "firebreak_store_free_bytes"
    public static let storeMaxBytes = "firebreak_store_max_bytes"
    public static let storePruned = "firebreak_store_pruned_total"
    public static let storeErrors = "firebreak_store_errors_total"
    public static let actionDelay = "firebreak_action_delay_seconds"
    public static let outOfReach = "firebreak_actions_out_of_reach_total"

    public static let tlsCertificateExpiry = "firebreak_tls_certificate_expiry_timestamp_seconds"
    public static let tlsHandshakeFailures = "firebreak_tls_handshake_failures"
    public static let tlsReloads = "firebreak_tls_reloads_total"

    public let registry: MetricsRegistry

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        registry.declareCounter(Self.deliveries, help: "Firehose deliveries answered, by HTTP status.")
        registry.declareCounter(Self.records, help: "Firehose records received in decoded deliveries.")
        registry.declareCounter(Self.bytesReceived, help: "Delivery body bytes received, as sent on the wire.")
        registry.declareCounter(Self.decompressedBytes, help: "Record payload bytes after every gzip layer was undone.")
        registry.declareCounter(Self.decodeErrors, help: "Decode errors by kind (delivery-level and line-level).")
        registry.declareCounter(Self.events, help: "Decoded log events by type.")
        registry.declareCounter(Self.controlMessages, help: "CloudWatch Logs control messages acknowledged and ignored.")
        registry.declareHistogram(Self.deliveryDuration, help: "Time from a delivery's arrival to its answer.",
                                  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30])
    }

    /// Declares the gauges read from the running pool and server.
    public func attach(pool: WorkerPool, connections: @escaping @Sendable () -> Int, inFlight: @escaping @Sendable () -> Int) {
        registry.declareGauge(Self.queueDepth, help: "Deliveries waiting for a worker.") { Double(pool.queueDepth) }
        registry.declareGauge(Self.queueCapacity, help: "Deliveries that may wait before 503 is answered.") { Double(pool.queueLimit) }
        registry.declareGauge(Self.busyWorkers, help: "Workers decoding or processing a delivery.") { Double(pool.busyWorkers) }
        registry.declareGauge(Self.connections, help: "Open HTTP connections.") { Double(connections()) }
        registry.declareGauge(Self.inFlight, help: "HTTP requests being handled.") { Double(inFlight()) }
    }

    /// Declares the HTTP server's front-door figures: the body budget in use and what the caps turned away.
    public func declareFrontDoor(bufferedBodyBytes: @escaping @Sendable () -> Int, budgetRefusals: @escaping @Sendable () -> Int,
                                 idleClosed: @escaping @Sendable () -> Int, refused: @escaping @Sendable () -> Int) {
        registry.declareGauge(Self.bufferedBodyBytes, help: "Request body bytes held in memory now (server.max_buffered_body_bytes).") {
            Double(bufferedBodyBytes())
        }
        registry.declareCounter(Self.bodyBudgetRefusals, help: "Requests answered 503 before their body was read: the body budget was in use.") {
            Double(budgetRefusals())
        }
        registry.declareCounter(Self.idleConnectionsClosed, help: "Idle connections closed to admit new ones at a connection cap.") {
            Double(idleClosed())
        }
        registry.declareCounter(Self.connectionsRefused, help: "Connections refused at a cap with no idle connection to close.") {
            Double(refused())
        }
    }

    /// Declares the TLS gauges (read from the running server) and the reload counter.
    public func declareTLS(expiry: @escaping @Sendable () -> Double, handshakeFailures: @escaping @Sendable () -> Int) {
        registry.declareGauge(Self.tlsCertificateExpiry, help: "notAfter of the served TLS certificate, in seconds since 1970.", provider: expiry)
        registry.declareGauge(Self.tlsHandshakeFailures, help: "TLS handshakes that failed since start (protocol errors, refused versions or ALPN).") {
            Double(handshakeFailures())
        }
        registry.declareCounter(Self.tlsReloads, help: "TLS certificate reloads, by result (applied or rejected).")
    }

    /// Actions by step and state, and the executor's queue, read from the store when rendered; for a SQLite store,
    /// its file's size and limit too.
    public func declareStoreGauges(_ store: any StateStore) {
        registry.declareGaugeFamily(Self.actions, help: "Response actions by step and state.") {
            ((try? store.actionCounts()) ?? []).map { (["step": $0.step.rawValue, "state": $0.state.rawValue], Double($0.count)) }
        }
        registry.declareGauge(Self.executorQueue, help: "Actions waiting for the executor.") {
            Double((try? store.pendingCount()) ?? 0)
        }
        guard let store = store as? ResponseStore else { return }
        registry.declareGauge(Self.storeBytes, help: "The store's database size: page_count x page_size (free pages included).") {
            Double((try? store.size().fileBytes) ?? 0)
        }
        registry.declareGauge(Self.storeFreeBytes, help: "Bytes of the store's free pages, reused before the file grows.") {
            Double((try? store.size().freeBytes) ?? 0)
        }
        registry.declareGauge(Self.storeMaxBytes, help: "store.max_bytes: commits are refused when the pages in use reach it; 0 = no limit.") {
            Double(store.maxBytes)
        }
    }

    /// Store operations that failed since start: a delivery's commit or request-id read, the executor's claims and
    /// outbox updates, the pruner's passes.
    public func declareStoreErrors(_ response: ResponseCoordinator) {
        registry.declareCounter(Self.storeErrors, help: "Store operations that failed (commit, claim, outbox update, prune).") {
            Double(response.storeErrors)
        }
    }

    /// Rows the pruner removed since start, by table and reason (age: past retention; size: near store.max_bytes).
    public func declarePruner(_ pruner: StorePruner) {
        registry.declareCounterFamily(Self.storePruned, help: "Store rows pruned, by table and reason (age or size).") {
            PruneReason.allCases.flatMap { reason -> [([String: String], Double)] in
                let count = pruner.pruned(reason)
                return [(["table": "findings", "reason": reason.rawValue], Double(count.findings)),
                        (["table": "actions", "reason": reason.rawValue], Double(count.actions)),
                        (["table": "deliveries", "reason": reason.rawValue], Double(count.deliveries))]
            }
        }
    }

    /// Time from a delivery's commit to its action's AWS call, over the last 1,000 actions run.
    public func declareExecutorGauges(_ executor: ActionExecutor) {
        registry.declareCounter(Self.outOfReach, help: "Steps and Security Hub exports skipped because their finding is in "
                                    + "another account and aws.assume_role_arn is not set.") {
            Double(executor.counts.byOutcome["foreign_account"] ?? 0)
        }
        registry.declareGaugeFamily(Self.actionDelay,
                                    help: "Seconds from the commit of a delivery to the AWS call of its action (recent quantiles).") {
            let samples = executor.counts.firstCallMillis.sorted()
            guard !samples.isEmpty else { return [] }
            func quantile(_ q: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * q))] / 1000 }
            return [(["quantile": "0.5"], quantile(0.5)), (["quantile": "0.99"], quantile(0.99)), (["quantile": "1"], samples.last! / 1000)]
        }
    }
}
