import FirebreakDetection
import FirebreakLogs
import FirebreakTestSupport
import FirebreakTime
import Foundation
import Testing
@testable import FirebreakServer

/// `firebreak replay` on one thread and on several (large files evaluated by chunks of records) writes exactly what
/// the reference writes: every match a finding, merged by id, each finding's tree serialized with `count`,
/// `firstSeen` and `lastSeen` appended.
@Suite struct ReplayJobsTests {
    static let root = TestPaths.packageRoot

    static let loaded = RuleFileLoader.load(paths: [root.appendingPathComponent("config/rules").path,
                                                    TestPaths.sharedTestdata.appendingPathComponent("sigma/sigmahq/rules/cloud/aws/cloudtrail").path])
    static let intel: IntelRegistry = {
        var problems: [RuleError] = []
        return IntelRegistry.load(IntelConfiguration(folder: root.appendingPathComponent("config/intel").path), problems: &problems).registry
    }()

    /// A fresh engine (empty correlation windows), as a new process has.
    static func engine() -> DetectionEngine {
        DetectionEngine(ruleSet: RuleSet(loaded: loaded, placeholders: intel), sources: DetectionSources(rulePaths: []))
    }

    /// CloudTrail records: routine calls, denied calls that add up to permission enumeration by a few identities,
    /// rules' favourites, some written with whitespace or escapes the serializer would not write.
    static func record(_ i: Int) -> String {
        let minute = i / 200
        let time = String(format: "2026-01-01T%02d:%02d:%02dZ", 10 + minute / 60, minute % 60, i % 60)
        let user = "arn:aws:iam::123456789012:user/u\(i % 7)"
        let identity = i % 3 == 0
            ? #"{"type":"IAMUser","arn":"\#(user)","accountId":"123456789012","userName":"u\#(i % 7)"}"#
            : #"{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/Deploy/s","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::123456789012:role/Deploy"}}}"#
        let (source, name, extra): (String, String, String) = switch i % 50 {
        case 0: ("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
                 #","requestParameters":{"groupId":"sg-\#(i % 9)","note":"a\/b \u00e9","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}"#)
        case 1: ("cloudtrail.amazonaws.com", "StopLogging", #","requestParameters":{"name":"trail-\#(i % 3)"}"#)
        case 2...13: ("iam.amazonaws.com", "List\(i % 50)Things", #","errorCode":"AccessDenied","errorMessage":"not authorized""#)
        case 14: ("s3.amazonaws.com", "PutBucketPolicy",
                  #","requestParameters":{"bucketName":"b\#(i % 4)","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}}"#)
        case 15: ("kms.amazonaws.com", "Decrypt", #","requestParameters":{"keyId":"k\/1","note":"caf\u00e9"},"ratio":1.5"#)
        default: ("s3.amazonaws.com", "GetObject", #","requestParameters":{"bucketName":"b\#(i % 4)","key":"k\#(i)"}"#)
        }
        let text = #"{"eventVersion":"1.09","userIdentity":\#(identity),"eventTime":"\#(time)","eventSource":"\#(source)","eventName":"\#(name)","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.\#(i % 200)","userAgent":"aws-cli/2"\#(extra),"eventID":"00000000-0000-4000-8000-\#(String(format: "%012d", i))","recipientAccountId":"123456789012"}"#
        return i % 11 == 0 ? text.replacingOccurrences(of: ",\"awsRegion\"", with: ",\n  \"awsRegion\"") : text
    }

    static func file(_ range: Range<Int>) -> [UInt8] {
        Gzip.compress(Array(("{\"Records\":[" + range.map(record).joined(separator: ",") + "]}").utf8))
    }

    static let inputs: [ReplayInput] = [
        .memory(name: "a.json.gz", bytes: file(0..<9_000)),   // three evaluation chunks
        .memory(name: "b.json.gz", bytes: file(9_000..<9_500)),
        .memory(name: "c.json", bytes: Array(("{\"Records\":[" + (9_500..<9_700).map(record).joined(separator: ",\n") + "]}").utf8)),
    ]

    /// What replay wrote before it read records from their index: every match a finding, merged by id, rendered from
    /// the tree.
    static func reference() throws -> String {
        let engine = engine()
        let decoder = RecordDecoder(configuration: DecoderConfiguration(maxEventsPerRecord: Int.max))
        var out = ""
        for input in inputs {
            guard case .memory(_, let bytes) = input else { continue }
            let result = try decoder.decodeFile(bytes)
            var findings = FindingAggregate.merge(engine.evaluate(result.events, receivedMillis: 0), maxSamples: 1)
            for index in findings.indices {
                guard case .object(var object) = findings[index].json() else { continue }
                object.append("count", .int(Int64(findings[index].count)))
                object.append("firstSeen", .string(UTCTime(clampingMillis: findings[index].firstMillis).iso8601))
                object.append("lastSeen", .string(UTCTime(clampingMillis: findings[index].lastMillis).iso8601))
                out += JSONValue.object(object).serialized() + "\n"
            }
        }
        return out
    }

    @Test(arguments: [1, 2, 3])
    func sameLinesOnEveryNumberOfThreads(jobs: Int) throws {
        let expected = try Self.reference()
        #expect(expected.contains("\"correlation\""), "the data completes correlations")
        #expect(expected.contains("a/b é"), "findings of records that are not their own serialization")
        var out = ""
        let decoder = RecordDecoder(configuration: DecoderConfiguration(maxEventsPerRecord: Int.max))
        let count = try FileReplay.replay(Self.inputs, engine: Self.engine(), decoder: decoder, jobs: jobs, nowMillis: 0,
                                          output: { out += $0 }, warn: { Issue.record("warning: \($0)") })
        #expect(count == expected.split(separator: "\n").count)
        #expect(out == expected)
    }

    @Test func anUnreadableInputStopsTheReplayAfterTheOnesBeforeIt() throws {
        let inputs = [Self.inputs[1], ReplayInput.file("/nonexistent/trail.json.gz"), Self.inputs[2]]
        for jobs in [1, 3] {
            var out = ""
            #expect(throws: CommandError.self) {
                _ = try FileReplay.replay(inputs, engine: Self.engine(), decoder: RecordDecoder(), jobs: jobs, nowMillis: 0,
                                          output: { out += $0 }, warn: { _ in })
            }
            #expect(!out.isEmpty, "the first input's findings were written")
        }
    }
}
