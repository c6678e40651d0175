import FirebreakLogs
import Testing
@testable import FirebreakDetection

/// A CloudTrail event's `CloudTrailSlots` give every field item the result a walk of the record gives.
@Suite struct CloudTrailSlotsTests {
    static let identities = [
        #"{"type":"Root","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012"}"#,
        #"{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::1:role/x"},"attributes":{"mfaAuthenticated":"true"}}}"#,
        #"{"type":null,"invokedBy":"ec2.amazonaws.com"}"#,
        #"{"type":["Root","IAMUser"],"userName":"alice"}"#,
        #"{"type":"IAMUser","type":"Root"}"#,
        #"[{"type":"Root"},{"type":"IAMUser"}]"#,
        #"{"sessionContext":[{"sessionIssuer":{"type":"Role"}},{"sessionIssuer":{"type":"User"}}]}"#,
        #"{"sessionContext":"none","principalId":7}"#,
        #""Root""#,
        "null",
    ]

    static let items: [(String, FieldMatcher.Mode)] = {
        func eq(_ s: String) -> ValuePredicate { .string(StringPattern(SigmaString(literal: s), cased: false)) }
        return [
            ("userIdentity.type", .values([eq("Root")], all: false, orNull: false)),
            ("userIdentity.type", .values([eq("Root"), eq("IAMUser")], all: true, orNull: false)),
            ("userIdentity.type", .values([eq("AssumedRole")], all: false, orNull: true)),
            ("userIdentity.type", .exists(true)),
            ("userIdentity.type", .exists(false)),
            ("userIdentity.invokedBy", .exists(true)),
            ("userIdentity.arn", .values([.string(StringPattern(SigmaString(parsing: "*:assumed-role/aws:*"), cased: false))], all: false, orNull: false)),
            ("userIdentity.principalId", .values([.number(7)], all: false, orNull: false)),
            ("userIdentity.sessionContext.sessionIssuer.type", .values([eq("Role")], all: false, orNull: false)),
            ("userIdentity.sessionContext.sessionIssuer.type", .values([eq("User")], all: false, orNull: true)),
            ("userIdentity.sessionContext.attributes.mfaAuthenticated", .values([.bool(true)], all: false, orNull: false)),
            ("userIdentity.userName", .values([eq("alice")], all: false, orNull: false)),
        ]
    }()

    @Test func slotsAgreeWithWalkingTheRecord() throws {
        var decided = 0
        for (n, identity) in Self.identities.enumerated() {
            for duplicate in [false, true] {
                // The second form repeats `userIdentity` after the usual position: the one at the usual position is read.
                let extra = duplicate ? #","userIdentity":{"type":"Root","userName":"alice"}"# : ""
                let json = #"{"eventVersion":"1.09","userIdentity":"# + identity + #","eventTime":"2026-01-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject""# + extra + "}"
                let value = try JSONParser().parse(json)
                let trail = DetectionEvent(DecodedEvent(event: .cloudTrail(CloudTrailRecord(record: value, envelope: .bare)), context: LogContext(recordIndex: 0)))
                let plain = DetectionEvent(DecodedEvent(event: .json(value), context: LogContext(recordIndex: 0)))
                #expect(trail.storage.slots != nil && plain.storage.slots == nil)
                for (path, mode) in Self.items {
                    let field = FieldMatcher(path: FieldPath(path), mode: mode)
                    let walked = field.matches(json: value, plain)
                    #expect(field.matches(json: value, trail) == walked, "identity \(n), duplicate \(duplicate), \(path) \(mode)")
                    if walked { decided += 1 }
                }
            }
        }
        #expect(decided > 10)
        #expect(CloudTrailSlots.paths.count == CloudTrailSlots.index.count)
    }
}
