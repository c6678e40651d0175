import FirebreakAWS
import FirebreakLogs
import Foundation
import Testing
@testable import FirebreakResponse

/// The parts of the runner and resolver that need no AWS: cache, payloads, alert text, placeholders.
@Suite struct StepRunnerUnitTests {
    /// The planner writes an alert's payload and an action's options without JSONEncoder: what it writes must read
    /// back (JSONDecoder, as the runner reads it) to the same values, whatever the text holds, and must say the same
    /// as JSONEncoder's sorted-keys text.
    @Test(arguments: ["plain", "quote \" backslash \\ slash / end", "line\nbreak\ttab\r\u{1}\u{7f}", "é ü 漢字 🙂", ""])
    func alertPayloadAndOptionsWrittenDirectlyReadBackTheSame(text: String) throws {
        let payloads = [AlertPayload(subject: text, message: "m: " + text, level: "high", ruleId: "r-" + text,
                                     topic: text.isEmpty ? nil : "arn:aws:sns:us-east-1:123456789012:t", summary: true),
                        AlertPayload(message: text), AlertPayload()]
        for payload in payloads {
            for unless in [nil, ["playbook " + text, "other"]] {
                let direct = AlertStep.payloadText(payload, unlessClaimedBy: unless, place: ActionPlace())
                let decoded = try JSONDecoder().decode(ActionPayload<AlertPayload>.self, from: Data(direct.utf8))
                #expect(decoded.step == payload)
                #expect(decoded.unlessClaimedBy == unless)
                let encoded = ActionPayload(step: payload, unlessClaimedBy: unless).jsonText
                #expect(try JSONParser().parse(direct) == JSONParser().parse(encoded))
            }
        }
        let options = ["subject": text, "topic": "t/" + text, "summary": "true", text + "k": "v"]
        let stored = StoreJSON.encode(options)
        #expect(try JSONDecoder().decode([String: String].self, from: Data(stored.utf8)) == options)
        #expect(try JSONDecoder().decode([String].self, from: Data(StoreJSON.encode([text, "b"]).utf8)) == [text, "b"])
    }

    @Test func cacheExpiresAndEvictsTheOldestFirst() {
        var cache = ExpiringCache<String, Int>(ttl: .seconds(30), capacity: 3)
        let start = ContinuousClock.now
        cache.store(1, for: "a", now: start)
        cache.store(2, for: "b", now: start)
        cache.store(3, for: "c", now: start)
        cache.store(10, for: "a", now: start)  // overwritten: now the newest
        cache.store(4, for: "d", now: start)   // evicts the oldest live entry, "b"
        #expect(cache.count == 3)
        #expect(cache.value(for: "b", now: start) == nil)
        #expect(cache.value(for: "a", now: start) == 10)
        #expect(cache.value(for: "c", now: start) == 3)
        #expect(cache.value(for: "d", now: start + .seconds(29)) == 4)
        #expect(cache.value(for: "d", now: start + .seconds(30)) == nil)
        cache.remove("c")
        #expect(cache.value(for: "c", now: start) == nil)
        // Many overwrites keep the order list bounded and the size at capacity.
        for index in 0..<10_000 { cache.store(index, for: "k\(index % 5)", now: start) }
        #expect(cache.count == 3)
        #expect(cache.value(for: "k4", now: start) == 9_999)
    }

    @Test func payloadsDecodeTheDocumentedShapes() throws {
        var action = PlannedAction(id: "a", findingID: "f", ruleID: "r", playbook: "p", sequence: 0,
                                   step: PlaybookStep(.revokeIngress), resourceType: "security-group",
                                   resourceID: "sg-1", idempotencyKey: "k",
                                   payload: #"{"groupId": "sg-1", "permissions": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": ["0.0.0.0/0"], "ipv6Ranges": ["::/0"]}], "extra": 1}"#)
        let revoke = try action.decodePayload(RevokeIngressPayload.self)
        #expect(revoke.groupId == "sg-1")
        #expect(revoke.permissions.map(\.ec2Permission) == [
            EC2IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [EC2IpRange("0.0.0.0/0")],
                            ipv6Ranges: [EC2IpRange("::/0")]),
        ])
        action.payload = ""
        #expect(try action.decodePayload(StartLoggingStep.Payload.self).trail == nil)
        action.payload = "{not json"
        var caught: AWSError?
        do { _ = try action.decodePayload(TerminateStep.Payload.self) } catch { caught = error }
        #expect(caught?.kind == .invalidParameter)
        #expect(caught?.code == "InvalidPayload")
        #expect(caught?.isRetryable == false)

        action.payload = #"{"level": "high", "finding": {"b": [1, 2.5, true, null], "a": "x/y"}}"#
        let alert = try action.decodePayload(AlertPayload.self)
        #expect(alert.level == "high")
        #expect(alert.finding?.jsonText == #"{"a":"x/y","b":[1,2.5,true,null]}"#)
    }

    @Test func snsSubjectsAreMadeAcceptable() {
        #expect(AlertStep.snsSubject("  Firebreak: é\nnext") == "Firebreak: ? next")
        #expect(AlertStep.snsSubject(String(repeating: "x", count: 300)).count == 100)
        #expect(AlertStep.snsSubject("\n") == "Firebreak finding")
    }

    @Test func alertTextCutsAnOversizedFinding() {
        let action = PlannedAction(id: "a", findingID: "f-1", ruleID: "r-1", playbook: "p", sequence: 0,
                                   step: PlaybookStep(.alert), resourceType: "instance", resourceID: "i-1",
                                   idempotencyKey: "k")
        let payload = AlertPayload(message: "hello", finding: .string(String(repeating: "z", count: 400_000)))
        let text = AlertStep.text(action, payload: payload, level: "low", ruleId: "r-1")
        #expect(text.hasPrefix("hello\n\nFirebreak finding f-1\nRule: r-1\nLevel: low\nResource: instance i-1\nPlaybook: p"))
        #expect(text.utf8.count < SNSClient.maxMessageBytes)
        #expect(text.hasSuffix("…(truncated)"))
    }

    @Test func permissionsAreDescribedShortly() {
        #expect(IngressPermissions.describe(EC2IpPermission(ipProtocol: "-1", ipv4Ranges: [EC2IpRange("10.0.0.0/8")])) == "all 10.0.0.0/8")
        #expect(IngressPermissions.describe(EC2IpPermission(ipProtocol: "udp", fromPort: 1000, toPort: 2000, groupIds: ["sg-2"]))
            == "udp 1000-2000 sg-2")
    }

    @Test func instanceStatesThatEndStopAndTerminate() {
        var instance = ResolvedInstance(instanceId: "i-1", state: .running, region: "us-east-1")
        #expect(!instance.isStoppedOrGoing && !instance.isTerminatedOrGoing)
        instance.state = .stopped
        #expect(instance.isStoppedOrGoing && !instance.isTerminatedOrGoing)
        instance.state = .shuttingDown
        #expect(instance.isStoppedOrGoing && instance.isTerminatedOrGoing)
        #expect(StepRunner.isGone(AWSError(.client, code: "IncorrectInstanceState", message: "m")))
        #expect(StepRunner.isGone(AWSError(.notFound, code: "InvalidInstanceID.NotFound", message: "m")))
        #expect(!StepRunner.isGone(AWSError(.client, code: "OperationNotPermitted", message: "m")))
    }
}
