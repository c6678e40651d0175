import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The AWS actions Firebreak's response layer can call, read from the sources: the `Action=` names (and
/// CloudTrail operations) of the client methods in Sources/FirebreakAWS, followed from each `ec2.`, `sns.` and
/// `cloudTrail.` call in Sources/FirebreakResponse and Sources/FirebreakServer, plus the requests those build
/// themselves (`EC2Client.request("DescribeSnapshots")`).
enum ExecutorCalls {
    static let clients: [(service: String, variable: String, type: String, files: @Sendable (String) -> Bool)] = [
        ("ec2", "ec2", "EC2Client", { $0.hasPrefix("EC2Client") || $0 == "QueryServiceClient.swift" }),
        ("sns", "sns", "SNSClient", { $0 == "SNSClient.swift" || $0 == "QueryServiceClient.swift" }),
        ("cloudtrail", "cloudTrail", "CloudTrailClient", { $0 == "CloudTrailClient.swift" }),
    ]

    static func collect(root: URL) throws -> Set<String> {
        let files = swiftFiles(under: root.appendingPathComponent("Sources/FirebreakAWS"))
        var callers = ""
        for folder in ["Sources/FirebreakResponse", "Sources/FirebreakServer"] {
            for file in swiftFiles(under: root.appendingPathComponent(folder)) {
                callers += try String(contentsOf: file, encoding: .utf8) + "\n"
            }
        }
        var result: Set<String> = []
        for client in clients {
            var source = ""
            for file in files where client.files(file.lastPathComponent) {
                source += try String(contentsOf: file, encoding: .utf8) + "\n"
            }
            let methods = methodActions(source)
            #expect(!methods.isEmpty, "no methods found for \(client.type)")
            let called = try Regex("(?:^|[^A-Za-z0-9_])\(client.variable)\\.([a-zA-Z]+)\\(")
            for match in callers.matches(of: called) {
                let method = String(match.output[1].substring ?? "")
                guard let actions = methods[method] else {
                    Issue.record("\(client.variable).\(method)( is not a method of \(client.type)")
                    continue
                }
                result.formUnion(actions.map { "\(client.service):\($0)" })
            }
            let built = try Regex("(?:^|[^A-Za-z0-9_])(?:\(client.type)\\.request|\(client.variable)\\.call)\\(\\s*\"([A-Z][A-Za-z]+)\"")
            for match in callers.matches(of: built) {
                result.insert("\(client.service):\(match.output[1].substring ?? "")")
            }
        }
        return result
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
