import FirebreakAWS
import FirebreakDetection
import FirebreakLogs
import Foundation
@testable import FirebreakResponse
import FirebreakTestSupport

/// Findings made by running the built-in rule pack on real flow lines and CloudTrail records.
enum Fixtures {
    static let root = TestPaths.packageRoot.path
    static let network = NetworkContext(internalNetworks: try! IPSet(parsing: ["10.0.0.0/16"]))

    static let ruleSet: RuleSet = {
        var problems: [RuleError] = []
        let intel = IntelRegistry.load(IntelConfiguration(folder: root + "/config/intel"), problems: &problems).registry
        precondition(problems.isEmpty, "\(problems)")
        return RuleSet(loaded: RuleFileLoader.load(paths: [root + "/config/rules"]), placeholders: intel)
    }()

    static let defaultPlaybooks: PlaybookSet = try! PlaybookSet.load(path: root + "/config/playbooks.yaml")

    static let egressRejected = "dfd8ecc8-bff6-4a46-9f3b-cd868b796a9f"
    static let knownBad = "85d6cf3a-660c-4454-87b1-3b995b2f27dd"
    static let unexpectedPort = "c862bbce-5ea3-459c-97c5-3d3635b8ba75"
    static let worldOpen = "8b5216cc-2575-4e6c-b216-e30254a47e39"
    static let loggingStopped = "2cd538a9-a4ab-4801-9e04-175ee447fcd0"

    /// A v3+ custom format that carries the instance id.
    static let flowFormat = "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} ${srcaddr} "
        + "${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} ${end} "
        + "${action} ${tcp-flags} ${log-status}"

    /// A flow line in `flowFormat` from instance `instance` (10.0.1.5) to `destination:port`.
    static func flowLine(instance: String = "i-0123456789abcdef0", destination: String, port: Int, action: String,
                         srcport: Int = 43512) -> String {
        "3 vpc-0f1e2d3c4b5a69788 subnet-0a9b8c7d6e5f40312 \(instance) eni-0a1b2c3d4e5f60718 123456789012 IPv4 10.0.1.5 "
            + "\(destination) \(srcport) \(port) 10.0.1.5 \(destination) 6 180 3 1700000100 1700000160 \(action) 2 OK"
    }

    static func findings(flow line: String, format: String? = flowFormat) throws -> [Finding] {
        let parser = try format.map { FlowLogParser(format: try FlowLogFormat(parsing: $0)) } ?? FlowLogParser()
        let event = DetectionEvent(DecodedEvent(event: .flow(try parser.parse(line)), context: LogContext(recordIndex: 0)),
                                   network: network)
        return ruleSet.evaluate([event])
    }

    static func findings(cloudTrail json: String) throws -> [Finding] {
        let record = CloudTrailRecord(record: try JSONParser().parse(json), envelope: .bare)
        return ruleSet.evaluate([DetectionEvent(DecodedEvent(event: .cloudTrail(record), context: LogContext(recordIndex: 0)),
                                                network: network)])
    }

    static func finding(_ ruleID: String, flow line: String, format: String? = flowFormat) throws -> Finding {
        let all = try findings(flow: line, format: format)
        guard let found = all.first(where: { $0.ruleID == ruleID }) else {
            throw FixtureError(message: "no finding of \(ruleID) for \(line); got \(all.map(\.ruleID))")
        }
        return found
    }

    static func finding(_ ruleID: String, cloudTrail json: String) throws -> Finding {
        let all = try findings(cloudTrail: json)
        guard let found = all.first(where: { $0.ruleID == ruleID }) else {
            throw FixtureError(message: "no finding of \(ruleID); got \(all.map(\.ruleID))")
        }
        return found
    }

    static func cloudTrail(eventSource: String, eventName: String, requestParameters: String,
                           responseElements: String = "null", eventID: String = "a83c546d-bc4d-43dc-96c9-3f01a9f18630") -> String {
        """
        {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/alice",
         "accountId":"123456789012","userName":"alice"},
         "eventTime":"2026-11-30T10:05:00Z","eventSource":"\(eventSource)","eventName":"\(eventName)","awsRegion":"us-east-1",
         "sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.0","requestParameters":\(requestParameters),
         "responseElements":\(responseElements),"requestID":"b9c48cb0-1720-400e-8ca8-2984fcb042d9","eventID":"\(eventID)",
         "readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012"}
        """
    }

    static func payload(_ action: PlannedAction) throws -> JSONValue {
        try JSONParser().parse(action.payload)
    }

    /// The permissions a `revoke-ingress` action's payload names, as the runner reads them.
    static func permissions(_ action: PlannedAction) throws -> [EC2IpPermission] {
        try JSONDecoder().decode(RevokeIngressPayload.self, from: Data(action.payload.utf8)).permissions.map(\.ec2Permission)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
