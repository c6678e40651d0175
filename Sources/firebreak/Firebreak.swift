import ArgumentParser

@main
struct Firebreak: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firebreak",
        abstract: "Event-driven AWS security: receives Amazon Data Firehose deliveries of VPC Flow Logs and CloudTrail.",
        discussion: """
            Start the service with `firebreak serve` (it listens on 127.0.0.1:8080 by default), point a Firehose \
            HTTP endpoint destination at its /firehose path, and watch its JSON log lines and /metrics. \
            `firebreak decode` shows what the service sees in a file; `firebreak replay` runs the rules \
            on files offline; `firebreak rules` lists, validates and tests the rules.
            """,
        subcommands: [Serve.self, Decode.self, Replay.self, Rules.self, Findings.self, Check.self, Store.self])
}
