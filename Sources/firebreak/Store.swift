import ArgumentParser
import FirebreakServer
import Foundation

struct Store: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the state store.",
        subcommands: [Initialize.self])

    struct Initialize: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the DynamoDB state table when it is missing.",
            discussion: """
                With store.backend dynamodb (FIREBREAK_STORE_BACKEND=dynamodb), creates store.dynamodb.table \
                (FIREBREAK_DYNAMODB_TABLE): on-demand, keys pk and sk (strings), TTL on expires_at; waits until it \
                is ACTIVE. A table that exists is checked, not changed. For local use and tests: the stack creates \
                the table in production. Region and endpoint as for every AWS call (AWS_REGION, \
                AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL).

                  FIREBREAK_STORE_BACKEND=dynamodb FIREBREAK_DYNAMODB_TABLE=firebreak-state firebreak store init
                """)

        @Option(name: .long, help: "A YAML file layered over the embedded default configuration.")
        var config: String?

        func run() throws {
            do {
                print(try StoreInitialization(configFile: config).run())
            } catch {
                throw error.forArgumentParser
            }
        }
    }
}
