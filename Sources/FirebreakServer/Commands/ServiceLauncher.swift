import FirebreakDetection
import FirebreakResponse
import FirebreakTime
import Foundation
import Logging

/// `firebreak serve`: loads the rules and the response layer, runs the service until SIGTERM or SIGINT, then
/// stops the executor.
public enum ServiceLauncher {
    /// The configuration `serve` runs with: the layers of `configFile`, checked for exposure, with `overrides`.
    public static func configuration(file configFile: String?, overrides: DetectionOverrides) throws(CommandError)
        -> ServiceConfiguration
    {
        let settings: ServiceConfiguration
        do {
            settings = try ServiceConfiguration.load(file: configFile)
            try settings.validateExposure()
        } catch {
            throw .configuration(error)
        }
        return try overrides.apply(to: settings)
    }

    /// Runs the service; returns the process exit status (1 when it could not start).
    public static func run(_ settings: ServiceConfiguration) -> Int32 {
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let logger = Logger(label: "firebreak")
        let engine: DetectionEngine
        do {
            engine = try DetectionEngine(sources: settings.detection)
        } catch {
            logger.critical("cannot load the detection rules", metadata: ["problems": .array(error.problems.map { .string($0.description) })])
            InputFile.warn(error.description)
            return 1
        }
        let response: ResponseLayer
        do {
            response = try ResponseLayer(configuration: settings)
            try response.executor.start()
            response.pruner?.start { [logger] result in
                switch result {
                case .success(let removed):
                    for (reason, count) in removed.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where count.rows > 0 {
                        logger.info("store pruned", metadata: [
                            "reason": .string(reason.rawValue), "findings": .stringConvertible(count.findings),
                            "actions": .stringConvertible(count.actions), "deliveries": .stringConvertible(count.deliveries)])
                    }
                case .failure(let error):
                    logger.error("store pruning failed; it is tried again later", metadata: ["error": .string(error.description)])
                }
            }
        } catch {
            logger.critical("cannot start the response layer", metadata: ["error": .string(String(describing: error))])
            InputFile.warn("\(error)")
            return 1
        }
        logger.info("response layer ready", metadata: [
            "mode": .string(settings.mode.rawValue), "store": .string(settings.storeBackend == .sqlite ? settings.storePath : settings.storeBackend.description),
            "playbooks": .string(settings.playbooksPath), "region": .string(response.region),
            "alerts": .string(settings.alertTopicArn ?? "none"),
            "retention": .string("findings \(DurationText.format(Int(settings.storeRetention.findings))), "
                + "deliveries \(DurationText.format(Int(settings.storeRetention.deliveries)))"),
            "maxBytes": .stringConvertible(settings.storeMaxBytes),
        ])
        let service = FirebreakService(configuration: settings, detection: engine, response: response.coordinator, logger: logger)
        do {
            try service.start()
        } catch {
            logger.critical("cannot start", metadata: ["error": .string(error.description)])
            InputFile.warn(error.description)
            return 1
        }
        let feeds = startFeeds(settings, service: service, logger: logger)
        let drained = service.runUntilSignalled()
        feeds?.stop()
        // What the executor has in hand finishes; what it has not claimed stays pending in the store.
        response.executor.stop()
        response.pruner?.stop()
        // The last interval's metrics (metrics.emf), after everything that counts them has stopped.
        service.stopMetrics()
        if !drained {
            logger.warning("drain time ran out; in-flight deliveries were cut and Firehose will redeliver them")
        }
        return 0
    }

    /// Starts fetching `intel.feeds` in the background; a fetched list reloads the rules. Nothing waits for a
    /// first fetch: a feed without a local copy is an empty list until then.
    private static func startFeeds(_ settings: ServiceConfiguration, service: FirebreakService, logger: Logger) -> IntelFeedFetcher? {
        guard !settings.intelFeeds.isEmpty, let folder = settings.detection.intel.folder else { return nil }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fetcher = IntelFeedFetcher(feeds: settings.intelFeeds, folder: folder, metrics: service.metrics.registry,
                                       logger: logger) { [service] _ in service.reloadDetection(changedOnly: false) }
        for feed in fetcher.missingCopies {
            logger.warning("intel feed has no local copy yet: an empty list until its first fetch",
                           metadata: ["feed": .string(feed.name), "host": .string(feed.host)])
        }
        fetcher.start()
        return fetcher
    }
}
