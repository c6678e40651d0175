import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The AWS actions the running Firebreak service can call, read from the sources: the `Action=` names (and the
/// JSON operations of CloudTrail, DynamoDB and EventBridge, the REST paths of Security Hub) of the client methods in
/// Sources/FirebreakAWS, followed from each `ec2.`, `sns.`, `cloudTrail.`, `dynamo.`, `securityHub.`, `eventBridge.`
/// and `sts.` call in Sources/FirebreakResponse and Sources/FirebreakServer, plus the requests those build themselves
/// (`EC2Client.request("DescribeSnapshots")`) and the calls FirebreakAWS makes for a type the callers construct
/// (`AccountCredentials(` assumes roles: `sts:AssumeRole`). Operations IAM authorizes under other names, or not at
/// all, are given as those (`IAMAction.authorizing`); calls only the table set-up makes are left out (`setUpOnly`).
/// A client of Sources/FirebreakAWS held under another name, or one not listed in `clients`, is an error.
enum ExecutorCalls {
    /// A client of Sources/FirebreakAWS as the callers use it: the IAM service prefix, the name of the variable
    /// the callers hold it in, its type, and the files of its methods.
    ///
    /// `setUpOnly`: methods whose calls are not the running service's, each with the one function allowed to call
    /// them (`File.function`: the file name without `.swift` and the enclosing `func`). A call of such a method
    /// anywhere else is an error, so a set-up method the service starts to use is counted again.
    typealias Client = (service: String, variable: String, type: String, files: @Sendable (String) -> Bool,
                        setUpOnly: [String: String])

    static let clients: [Client] = [
        ("ec2", "ec2", "EC2Client", { $0.hasPrefix("EC2Client") || $0 == "QueryServiceClient.swift" }, [:]),
        ("sns", "sns", "SNSClient", { $0 == "SNSClient.swift" || $0 == "QueryServiceClient.swift" }, [:]),
        ("cloudtrail", "cloudTrail", "CloudTrailClient", { $0 == "CloudTrailClient.swift" }, [:]),
        ("dynamodb", "dynamo", "DynamoDBClient", { $0.hasPrefix("DynamoDBClient") }, [
            // The table itself (CreateTable, DescribeTable, UpdateTimeToLive, DescribeTimeToLive): made by
            // `firebreak store init` only (StoreInitialization -> StateStoreSetup.initializeTable ->
            // DynamoDBStateStore.initialize), for local use and tests. In production the stack creates the table
            // and its TTL (StateTable in docker/firebreak-stack.yaml), so the task role does not get these.
            // The methods ensureTable calls are counted wherever else the callers call them directly.
            "ensureTable": "DynamoDBStateStore.initialize",
        ]),
        // REST-JSON: the operations are named by their paths (`restOperations`).
        ("securityhub", "securityHub", "SecurityHubClient", { $0 == "SecurityHubClient.swift" }, [:]),
        ("events", "eventBridge", "EventBridgeClient", { $0 == "EventBridgeClient.swift" }, [:]),
        ("sts", "sts", "STSClient", { $0 == "STSClient.swift" || $0 == "QueryServiceClient.swift" }, [:]),
    ]

    /// Clients only the operator's commands use, with the operator's credentials, never the running service: the
    /// type, the name its callers hold it by, and the only caller files allowed to construct or call it. Their
    /// calls are no task-role permission; a use anywhere else in the callers is an error, so a client the service
    /// starts to use is counted.
    typealias OperatorClient = (type: String, variable: String, files: Set<String>)

    static let operatorClients: [OperatorClient] = [
        // `firebreak replay s3://...` lists and reads archived logs (README, "Replay: files, S3, progress,
        // `--respond`"); the operator runs it, with s3:ListBucket and s3:GetObject of their own.
        ("S3Client", "s3", ["FileReplay", "ReplayInput", "S3ReplayListing"]),
    ]

    /// The operations of the REST-JSON clients, by method and path (Security Hub API Reference, each operation's
    /// "Request Syntax"). A `restJSON(` path not listed here is an error: add its operation.
    static let restOperations = ["POST /findings/import": "BatchImportFindings", "POST /findings": "GetFindings"]

    /// AWS calls FirebreakAWS makes itself for a type the callers construct: `construction(` in the callers means the
    /// `client`'s `method` is called, through `links` (each file of Sources/FirebreakAWS must make the next call, so
    /// that a change of the chain is seen here).
    typealias Inside = (construction: String, links: [(file: String, call: String)], client: String, method: String)

    static let inside: [Inside] = [
        // The member accounts' roles (aws.assume_role_arn): each account's provider assumes its role with the
        // service's own credentials.
        ("AccountCredentials", [("AccountCredentials.swift", "AssumeRoleCredentialProvider("),
                                ("AssumeRoleCredentialProvider.swift", "sts.assumeRole(")], "sts", "assumeRole"),
    ]

    /// What IAM authorizes instead of an operation, where the operation is no IAM action of its own.
    enum IAMAction {
        /// TransactWriteItems is authorized as the item actions of its writes (DynamoDB developer guide, "Using
        /// IAM with DynamoDB transactions"); the writes the callers build are the `DynamoDBWrite` cases they use.
        static let writeCases = ["put": "PutItem", "update": "UpdateItem", "delete": "DeleteItem",
                                 "conditionCheck": "ConditionCheckItem"]

        /// Operations that need no IAM permission at all.
        static let unauthorized: Set<String> = [
            // "No permissions are required to perform this operation": an explicit Deny of sts:GetCallerIdentity
            // does not stop it either, since access denied answers with the same identity (STS API Reference,
            // GetCallerIdentity). OwnAccount asks it when aws.account_id is unset; the task role needs nothing.
            "sts:GetCallerIdentity",
        ]

        static func authorizing(_ operation: String, service: String, callers: String) throws -> Set<String> {
            if unauthorized.contains("\(service):\(operation)") { return [] }
            guard service == "dynamodb", operation == "TransactWriteItems" else { return [operation] }
            let built = try Regex(#"\.(put|update|delete|conditionCheck)\((?:item|key):"#)
            let actions = Set(callers.matches(of: built).compactMap { writeCases[String($0.output[1].substring ?? "")] })
            #expect(!actions.isEmpty, "TransactWriteItems is called, but no DynamoDBWrite is built")
            return actions
        }
    }

    static func collect(root: URL) throws -> Set<String> {
        let files = swiftFiles(under: root.appendingPathComponent("Sources/FirebreakAWS"))
        var callerFiles: [(name: String, text: String)] = []
        for folder in ["Sources/FirebreakResponse", "Sources/FirebreakServer"] {
            for file in swiftFiles(under: root.appendingPathComponent(folder)) {
                callerFiles.append((file.deletingPathExtension().lastPathComponent, try String(contentsOf: file, encoding: .utf8)))
            }
        }
        let callers = callerFiles.map(\.text).joined(separator: "\n")
        try checkClientNames(callerFiles)
        var result: Set<String> = []
        for client in clients {
            var source = ""
            for file in files where client.files(file.lastPathComponent) {
                source += try String(contentsOf: file, encoding: .utf8) + "\n"
            }
            let methods = methodActions(source)
            #expect(!methods.isEmpty, "no methods found for \(client.type)")
            var operations: Set<String> = []
            let called = try Regex("(?:^|[^A-Za-z0-9_])\(client.variable)\\.([a-zA-Z]+)\\(")
            for caller in callerFiles {
                for match in caller.text.matches(of: called) {
                    let method = String(match.output[1].substring ?? "")
                    guard let actions = methods[method] else {
                        Issue.record("\(client.variable).\(method)( is not a method of \(client.type)")
                        continue
                    }
                    if let allowed = client.setUpOnly[method] {
                        let site = "\(caller.name).\(enclosingFunction(caller.text, before: match.range.lowerBound))"
                        #expect(site == allowed, "\(client.variable).\(method)( is set-up only (\(allowed)), but \(site) calls it")
                        continue
                    }
                    operations.formUnion(actions)
                }
            }
            let built = try Regex("(?:^|[^A-Za-z0-9_])(?:\(client.type)\\.request|\(client.variable)\\.call)\\(\\s*\"([A-Z][A-Za-z]+)\"")
            for match in callers.matches(of: built) {
                operations.insert(String(match.output[1].substring ?? ""))
            }
            for made in inside where made.client == client.service {
                guard callers.contains(try Regex("(?:^|[^A-Za-z0-9_])\(made.construction)\\(")) else { continue }
                for link in made.links {
                    let file = try #require(files.first { $0.lastPathComponent == link.file }, "no \(link.file) in Sources/FirebreakAWS")
                    #expect(try String(contentsOf: file, encoding: .utf8).contains(link.call),
                            "\(link.file) no longer calls \(link.call): how does \(made.construction) reach \(client.type) now?")
                }
                let actions = try #require(methods[made.method], "\(made.method) is not a method of \(client.type)")
                operations.formUnion(actions)
            }
            for operation in operations {
                let actions = try IAMAction.authorizing(operation, service: client.service, callers: callers)
                result.formUnion(actions.map { "\(client.service):\($0)" })
            }
        }
        return result
    }

    /// Every client of Sources/FirebreakAWS the callers construct is one of `clients`, and every property, parameter
    /// or constant of a client type is named as `clients` says (a call through another name would go unseen).
    static func checkClientNames(_ callerFiles: [(name: String, text: String)]) throws {
        let types = Dictionary(uniqueKeysWithValues: clients.map { ($0.type, $0.variable) })
        // AWSClient is the transport every typed client wraps (AWSClientFactory), no service of its own.
        let constructed = /([A-Z][A-Za-z0-9]*Client)\(/
        let typeNames = types.keys.sorted().joined(separator: "|")
        let declared = try Regex("([A-Za-z_][A-Za-z0-9_]*)\\s*:\\s*(?:any\\s+)?(\(typeNames))(?![A-Za-z0-9_.])")
        // `let x = TYPE(` and `let x = condition ? TYPE(...) : nil`
        let assigned = try Regex("(?:let|var)\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(?:[^\\n?(=]*\\?\\s*)?(?:try\\s+)?(\(typeNames))\\(")
        for caller in callerFiles {
            for match in caller.text.matches(of: constructed) where match.output.1 != "AWSClient" {
                let type = String(match.output.1)
                if let client = operatorClients.first(where: { $0.type == type }) {
                    #expect(client.files.contains(caller.name),
                            "\(caller.name) constructs \(type), which only the operator's commands (\(client.files.sorted())) may use")
                    continue
                }
                #expect(types[type] != nil,
                        "\(caller.name) constructs \(type), which ExecutorCalls.clients does not list")
            }
            for client in operatorClients where !client.files.contains(caller.name) {
                let called = try Regex("(?:^|[^A-Za-z0-9_])\(client.variable)\\.[a-zA-Z]+\\(")
                #expect(!caller.text.contains(called),
                        "\(caller.name) calls \(client.variable). (\(client.type)), which only the operator's commands may use")
            }
            for match in caller.text.matches(of: declared) + caller.text.matches(of: assigned) {
                let name = String(match.output[1].substring ?? ""), type = String(match.output[2].substring ?? "")
                #expect(name == types[type], "\(caller.name) holds a \(type) as \(name), not \(types[type] ?? "?"): its calls would go unseen")
            }
        }
    }

    /// The name of the last `func` declared in `text` before `position` ("(top level)" when none).
    static func enclosingFunction(_ text: String, before position: String.Index) -> String {
        text[..<position].matches(of: /func\s+([a-zA-Z]+)/).last.map { String($0.output.1) } ?? "(top level)"
    }

    /// The Swift files in `folder` and its sub-folders, in path order.
    static func swiftFiles(under folder: URL) -> [URL] {
        let all = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
        return all.filter { $0.pathExtension == "swift" }.sorted { $0.path < $1.path }
    }

    /// For each method of a client's sources: the actions it names itself (an operation literal, or a REST path of
    /// `restOperations`) or through the methods it calls.
    static func methodActions(_ source: String) -> [String: Set<String>] {
        let declaration = /func\s+([a-zA-Z]+)\s*[<(]/
        let matches = source.matches(of: declaration)
        var literals: [String: Set<String>] = [:]
        var calls: [String: Set<String>] = [:]
        let names = Set(matches.map { String($0.output.1) })
        let literal = /(?:request|describeRequest|call)\(\s*"([A-Z][A-Za-z]+)"/
        let rest = /restJSON\((?:\s*method:\s*"([A-Z]+)",)?\s*path:\s*"([^"]+)"/
        // Not `\b`: Swift Regex word boundaries follow Unicode (no boundary in `Self.name`).
        let invocation = /([a-zA-Z]+)\(/
        for (index, match) in matches.enumerated() {
            let end = index + 1 < matches.count ? matches[index + 1].range.lowerBound : source.endIndex
            let body = source[match.range.upperBound..<end]
            let name = String(match.output.1)
            literals[name, default: []].formUnion(body.matches(of: literal).map { String($0.output.1) })
            for call in body.matches(of: rest) {
                let key = "\(call.output.1.map(String.init) ?? "POST") \(call.output.2)"
                guard let operation = restOperations[key] else {
                    Issue.record("\(name) sends \(key), which ExecutorCalls.restOperations does not name")
                    continue
                }
                literals[name, default: []].insert(operation)
            }
            calls[name, default: []].formUnion(body.matches(of: invocation).map { String($0.output.1) }
                .filter { names.contains($0) && $0 != name })
        }
        var resolved: [String: Set<String>] = [:]
        func actions(_ name: String, _ seen: Set<String>) -> Set<String> {
            if let done = resolved[name] { return done }
            var out = literals[name] ?? []
            for callee in calls[name] ?? [] where !seen.contains(callee) { out.formUnion(actions(callee, seen.union([name]))) }
            return out
        }
        for name in names { resolved[name] = actions(name, []) }
        return resolved
    }
}
