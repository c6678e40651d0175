import FirebreakLogs
import Foundation
import FirebreakTestSupport

/// Real-format Firehose deliveries, built the way CloudWatch Logs and Firehose build them:
/// each record is base64(gzip(CloudWatch Logs subscription JSON)); the body may be gzip'd again.
enum FirehoseFixture {
    static let packageRoot = TestPaths.packageRoot
    static let sharedTestdata = TestPaths.sharedTestdata

    static func flowLines(count: Int, action: String = "ACCEPT", seed: Int = 0) -> [String] {
        (0..<count).map { i in
            let n = i + seed
            return "2 123456789012 eni-0a1b2c3d4e5f6\(String(format: "%04d", n % 10000)) 10.0.\(n % 250).\((n * 7) % 250) 198.51.100.\(n % 250) \(40000 + n % 20000) \(n % 3 == 0 ? 443 : 22) 6 \(1 + n % 50) \(60 + n * 13 % 90000) 1700000100 1700000160 \(action) OK"
        }
    }

    static func cloudWatchPayload(logGroup: String = "/vpc/flow-logs", logStream: String = "eni-0a1b2c3d4e5f60718-all",
                                  messages: [String], firstId: Int = 1) -> [UInt8] {
        let events: [[String: Any]] = messages.enumerated().map { i, message in
            ["id": String(format: "3748057945849084151041793567095891173822327452915335%04d", firstId + i),
             "timestamp": 1_700_000_160_000 + i, "message": message]
        }
        let object: [String: Any] = [
            "messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": logGroup, "logStream": logStream,
            "subscriptionFilters": ["to-firehose"], "logEvents": events,
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    static func controlPayload() -> [UInt8] {
        Array(#"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1700000000000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}"#.utf8)
    }

    static func cloudTrailRecord(eventName: String = "AuthorizeSecurityGroupIngress", cidr: String = "0.0.0.0/0") -> String {
        #"{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/Deploy/s","accountId":"123456789012"},"eventTime":"2026-01-01T10:05:00Z","eventSource":"ec2.amazonaws.com","eventName":""# + eventName + #"","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","requestParameters":{"groupId":"sg-0abc","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":""# + cidr + #""}]}}]}},"eventID":"6f1c2a43-0d1e-4b8a-9a51-3b0f3c2d1e00","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"123456789012"}"#
    }

    /// An `AuthorizeSecurityGroupIngress` event in CloudTrail's record format (record contents: `eventVersion`,
    /// `userIdentity`, `eventTime`, `eventSource`, `eventName`, ..., `requestParameters` with the request's
    /// permissions as `ipPermissions.items[]` and each permission's sources as `ipRanges.items[]`,
    /// `responseElements` with EC2's answer: `_return` and the rules created as `securityGroupRuleSet.items[]`):
    /// `port`/tcp opened to `cidr` on `groupId`, the rule EC2 created being `ruleId`.
    static func authorizeIngressRecord(groupId: String, ruleId: String, port: Int = 22, cidr: String = "0.0.0.0/0",
                                       eventID: String = "3f1e8a52-7c4d-4b9e-a0f1-6d2c5b8e9a01") -> String {
        let record: [String: Any] = [
            "eventVersion": "1.09",
            "userIdentity": [
                "type": "AssumedRole", "principalId": "AROAEXAMPLEID:deploy",
                "arn": "arn:aws:sts::123456789012:assumed-role/Deploy/deploy", "accountId": "123456789012",
                "accessKeyId": "ASIAEXAMPLE",
                "sessionContext": [
                    "sessionIssuer": ["type": "Role", "principalId": "AROAEXAMPLEID", "arn": "arn:aws:iam::123456789012:role/Deploy",
                                      "accountId": "123456789012", "userName": "Deploy"],
                    "attributes": ["creationDate": "2026-01-01T10:00:00Z", "mfaAuthenticated": "false"],
                ] as [String: Any],
            ] as [String: Any],
            "eventTime": "2026-01-01T10:05:00Z", "eventSource": "ec2.amazonaws.com",
            "eventName": "AuthorizeSecurityGroupIngress", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.23",
            "userAgent": "aws-cli/2.15.0",
            "requestParameters": [
                "groupId": groupId,
                "ipPermissions": ["items": [[
                    "ipProtocol": "tcp", "fromPort": port, "toPort": port, "groups": [String: Any](),
                    "ipRanges": ["items": [["cidrIp": cidr]]], "ipv6Ranges": [String: Any](), "prefixListIds": [String: Any](),
                ] as [String: Any]]],
            ] as [String: Any],
            "responseElements": [
                "requestId": "c1f4c6a0-1b2d-4e3f-8a9b-5d6e7f8a9b0c", "_return": true,
                "securityGroupRuleSet": ["items": [[
                    "groupOwnerId": "123456789012", "groupId": groupId, "securityGroupRuleId": ruleId, "isEgress": false,
                    "ipProtocol": "tcp", "fromPort": port, "toPort": port, "cidrIpv4": cidr,
                ] as [String: Any]]],
            ] as [String: Any],
            "requestID": "c1f4c6a0-1b2d-4e3f-8a9b-5d6e7f8a9b0c", "eventID": eventID, "readOnly": false,
            "eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": "123456789012",
            "eventCategory": "Management",
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A delivery of CloudTrail `records` as a trail's CloudWatch Logs subscription sends them (one gzip'd record).
    static func cloudTrailDelivery(requestID: String, records: [String]) -> [UInt8] {
        body(requestID: requestID, records: [Gzip.compress(cloudWatchPayload(
            logGroup: "aws-cloudtrail-logs-123456789012", logStream: "123456789012_CloudTrail_us-east-1", messages: records))])
    }

    /// The JSON body Firehose POSTs: `{requestID, timestamp (ms), records:[{data}]}`.
    static func body(requestID: String, records: [[UInt8]], timestamp: Int64 = 1_700_000_200_123) -> [UInt8] {
        let data = records.map { #"{"data":""# + Data($0).base64EncodedString() + #""}"# }
        return Array((#"{"requestId":""# + requestID + #"","timestamp":"# + String(timestamp) + #","records":["# + data.joined(separator: ",") + "]}").utf8)
    }

    /// Headers as Firehose sends them.
    static func headers(requestID: String, accessKey: String?, gzipBody: Bool) -> [(String, String)] {
        var h: [(String, String)] = [
            ("Content-Type", "application/json"),
            ("X-Amz-Firehose-Protocol-Version", "1.0"),
            ("X-Amz-Firehose-Request-Id", requestID),
            ("X-Amz-Firehose-Source-Arn", "arn:aws:firehose:us-east-1:123456789012:deliverystream/firebreak"),
            ("X-Amz-Firehose-Common-Attributes", #"{"commonAttributes":{"env":"test"}}"#),
            ("User-Agent", "Amazon Kinesis Data Firehose Agent/1.0"),
        ]
        if let accessKey { h.append(("X-Amz-Firehose-Access-Key", accessKey)) }
        if gzipBody { h.append(("Content-Encoding", "gzip")) }
        return h
    }

    /// A complete delivery: records of gzip'd CloudWatch Logs flow-log batches.
    static func flowDelivery(requestID: String, records: Int = 2, linesPerRecord: Int = 5, gzipBody: Bool = false) -> [UInt8] {
        let recs = (0..<records).map { r in
            Gzip.compress(cloudWatchPayload(messages: flowLines(count: linesPerRecord, seed: r * 1000), firstId: r * 1000))
        }
        let body = body(requestID: requestID, records: recs)
        return gzipBody ? Gzip.compress(body) : body
    }
}
