import ArgumentParser
import FirebreakServer
import Foundation

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

    @Flag(name: .long, help: "Start an empty store where the configured one was lost (its file is gone but its .created marker is not).")
    var initStore = false

    @OptionGroup var detectionOptions: DetectionOptions

    func run() throws {
        var settings: ServiceConfiguration
        do {
            settings = try ServiceLauncher.configuration(file: config, overrides: detectionOptions.overrides)
            settings.replaceLostStore = initStore
        } catch {
            throw error.forArgumentParser
        }
        if printConfig {
            print(settings.summary)
            return
        }
        let status = ServiceLauncher.run(settings)
        if status != 0 { throw ExitCode(status) }
    }
}
