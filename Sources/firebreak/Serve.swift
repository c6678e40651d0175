import ArgumentParser
import FirebreakDetection
import FirebreakServer
import Foundation
import Logging

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Firehose HTTP endpoint.",
        discussion: """
            Configuration starts from the embedded default (config/firebreak.yaml in the source tree), then \
            the file given with --config, then FIREBREAK_* environment variables, e.g.:

              export FIREBREAK_LISTEN=0.0.0.0:8080
              export FIREBREAK_ACCESS_KEY_FILE=/run/secrets/firehose-key
              firebreak serve

            Give the Firehose access key with FIREBREAK_ACCESS_KEY or FIREBREAK_ACCESS_KEY_FILE (one key per \
            line; two keys during a rotation), never in a config file. Without a key the service listens on \
            loopback addresses only. SIGTERM or SIGINT drains in-flight deliveries \
            (server.drain_seconds) and exits 0. SIGHUP reloads the rules and lists, and the TLS certificate \
            and key when server.tls is set (FIREBREAK_TLS_CERTIFICATE, FIREBREAK_TLS_PRIVATE_KEY).
            """)

    @Option(name: .long, help: "A YAML file layered over the embedded default configuration.")
    var config: String?

    @Flag(name: .long, help: "Print the effective configuration (secrets redacted) and exit.")
    var printConfig = false

    @OptionGroup var detectionOptions: DetectionOptions

    func run() throws {
        var settings: ServiceConfiguration
        do {
            settings = try ServiceConfiguration.load(file: config)
            try settings.validateExposure()
        } catch {
            throw ValidationError(error.description)
        }
        settings.detection = try detectionOptions.apply(to: settings.detection)
        if printConfig {
            print(settings.summary)
            return
        }
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let logger = Logger(label: "firebreak")
        let engine: DetectionEngine
        do {
            engine = try DetectionEngine(sources: settings.detection)
        } catch {
            logger.critical("cannot load the detection rules", metadata: ["problems": .array(error.problems.map { .string($0.description) })])
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        let response: ResponseLayer
        do {
            response = try ResponseLayer(configuration: settings)
            try response.executor.start()
        } catch {
            logger.critical("cannot start the response layer", metadata: ["error": .string(String(describing: error))])
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        logger.info("response layer ready", metadata: [
            "mode": .string(settings.mode.rawValue), "store": .string(settings.storePath),
            "playbooks": .string(settings.playbooksPath), "region": .string(response.region),
            "alerts": .string(settings.alertTopicArn ?? "none"),
        ])
        let service = FirebreakService(configuration: settings, detection: engine, response: response.coordinator, logger: logger)
        do {
            try service.start()
        } catch {
            logger.critical("cannot start", metadata: ["error": .string(error.description)])
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        let drained = service.runUntilSignalled()
        // What the executor has in hand finishes; what it has not claimed stays pending in the store.
        response.executor.stop()
        if !drained {
            logger.warning("drain time ran out; in-flight deliveries were cut and Firehose will redeliver them")
        }
    }
}
