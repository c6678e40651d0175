import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The AWS actions the running Firebreak service can call, read from the sources: the `Action=` names (and
/// CloudTrail and DynamoDB operations) of the client methods in Sources/FirebreakAWS, followed from each `ec2.`,
/// `sns.`, `cloudTrail.` and `dynamo.` call in Sources/FirebreakResponse and Sources/FirebreakServer, plus the
/// requests those build themselves (`EC2Client.request("DescribeSnapshots")`). Operations IAM authorizes under
/// other names are given as those (`IAMAction.authorizing`); calls only the table set-up makes are left out
/// (`setUpOnly`).
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
    ]

    /// What IAM authorizes instead of an operation, where the operation is no IAM action of its own.
    enum IAMAction {
        /// TransactWriteItems is authorized as the item actions of its writes (DynamoDB developer guide, "Using
        /// IAM with DynamoDB transactions"); the writes the callers build are the `DynamoDBWrite` cases they use.
        static let writeCases = ["put": "PutItem", "update": "UpdateItem", "delete": "DeleteItem",
                                 "conditionCheck": "ConditionCheckItem"]

        static func authorizing(_ operation: String, service: String, callers: String) throws -> Set<String> {
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
            for operation in operations {
                let actions = try IAMAction.authorizing(operation, service: client.service, callers: callers)
                result.formUnion(actions.map { "\(client.service):\($0)" })
            }
        }
        return result
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

    /// For each method of a client's sources: the actions it names itself or through the methods it calls.
    static func methodActions(_ source: String) -> [String: Set<String>] {
        let declaration = /func\s+([a-zA-Z]+)\s*[<(]/
        let matches = source.matches(of: declaration)
        var literals: [String: Set<String>] = [:]
        var calls: [String: Set<String>] = [:]
        let names = Set(matches.map { String($0.output.1) })
        let literal = /(?:request|describeRequest|call)\(\s*"([A-Z][A-Za-z]+)"/
        // Not `\b`: Swift Regex word boundaries follow Unicode (no boundary in `Self.name`).
        let invocation = /([a-zA-Z]+)\(/
        for (index, match) in matches.enumerated() {
            let end = index + 1 < matches.count ? matches[index + 1].range.lowerBound : source.endIndex
            let body = source[match.range.upperBound..<end]
            let name = String(match.output.1)
            literals[name, default: []].formUnion(body.matches(of: literal).map { String($0.output.1) })
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
