import FirebreakLogs
import Testing
@testable import FirebreakDetection

@Suite struct SigmaConditionTests {
    typealias S = SigmaTestSupport
    static let names = ["a", "b", "c", "sel_one", "sel_two", "filter_x", "_hidden"]

    static func parse(_ text: String) throws(RuleError) -> SigmaCondition {
        try SigmaCondition.parse(text, selections: names, source: "test.yml")
    }

    @Test func precedenceIsNotThenAndThenOr() throws {
        #expect(try Self.parse("a or b and not c") == .or([.selection("a"), .and([.selection("b"), .not(.selection("c"))])]))
        #expect(try Self.parse("not a and b") == .and([.not(.selection("a")), .selection("b")]))
        #expect(try Self.parse("(a or b) and c") == .and([.or([.selection("a"), .selection("b")]), .selection("c")]))
        #expect(try Self.parse("a AND NOT (b OR c)") == .and([.selection("a"), .not(.or([.selection("b"), .selection("c")]))]))
        #expect(try Self.parse("not not a") == .not(.not(.selection("a"))))
    }

    @Test func quantifiers() throws {
        #expect(try Self.parse("1 of sel_*") == .oneOf(["sel_one", "sel_two"]))
        #expect(try Self.parse("any of sel_*") == .oneOf(["sel_one", "sel_two"]))
        #expect(try Self.parse("all of sel_*") == .allOf(["sel_one", "sel_two"]))
        #expect(try Self.parse("1 of them") == .oneOf(["a", "b", "c", "sel_one", "sel_two", "filter_x"]))
        #expect(try Self.parse("all of them") == .allOf(["a", "b", "c", "sel_one", "sel_two", "filter_x"]))
        #expect(try Self.parse("a and not 1 of filter*") == .and([.selection("a"), .not(.oneOf(["filter_x"]))]))
        #expect(try Self.parse("all of *_one") == .allOf(["sel_one"]))
    }

    @Test func conditionsEvaluate() throws {
        let rule = try S.compile(S.cloudTrailRule("""
            a:
                eventName: A
            b:
                eventSource: b.amazonaws.com
            c:
                awsRegion: us-east-1
            condition: a or b and not c
            """))
        func event(_ name: String, _ source: String, _ region: String) throws -> DetectionEvent {
            try S.cloudTrail(#"{"eventName":"\#(name)","eventSource":"\#(source)","awsRegion":"\#(region)"}"#)
        }
        #expect(try rule.matches(event("A", "x", "us-east-1")))
        #expect(try rule.matches(event("Z", "b.amazonaws.com", "eu-west-1")))
        #expect(!(try rule.matches(event("Z", "b.amazonaws.com", "us-east-1"))))
        #expect(!(try rule.matches(event("Z", "x", "eu-west-1"))))
    }

    @Test func quantifiersEvaluate() throws {
        let selections = """
            sel_name:
                eventName: CreateUser
            sel_agent:
                userAgent|contains: console
            filter_admin:
                userIdentity.userName: admin
            """
        let one = try S.compile(S.cloudTrailRule(selections + "\ncondition: 1 of sel_* and not 1 of filter_*"))
        let all = try S.compile(S.cloudTrailRule(selections + "\ncondition: all of sel_*"))
        let them = try S.compile(S.cloudTrailRule(selections + "\ncondition: all of them"))
        let anyOfThem = try S.compile(S.cloudTrailRule(selections + "\ncondition: 1 of them"))
        let both = try S.cloudTrail(#"{"eventName":"CreateUser","userAgent":"console.amazonaws.com","userIdentity":{"userName":"bob"}}"#)
        let nameOnly = try S.cloudTrail(#"{"eventName":"CreateUser","userAgent":"aws-cli","userIdentity":{"userName":"bob"}}"#)
        let admin = try S.cloudTrail(#"{"eventName":"CreateUser","userAgent":"console","userIdentity":{"userName":"admin"}}"#)
        let none = try S.cloudTrail(#"{"eventName":"ListUsers","userAgent":"aws-cli"}"#)
        #expect(one.matches(both) && one.matches(nameOnly) && !one.matches(admin) && !one.matches(none))
        #expect(all.matches(both) && !all.matches(nameOnly))
        #expect(them.matches(admin) && !them.matches(both))
        #expect(anyOfThem.matches(nameOnly) && !anyOfThem.matches(none))
    }

    @Test func aListOfConditionsIsAnyOfThem() throws {
        let rule = try S.compile(S.cloudTrailRule("""
            a:
                eventName: A
            b:
                eventName: B
            condition:
                - a
                - b
            """))
        #expect(rule.matches(try S.cloudTrail(#"{"eventName":"B"}"#)))
        #expect(rule.matches(try S.cloudTrail(#"{"eventName":"a"}"#)))
        #expect(!rule.matches(try S.cloudTrail(#"{"eventName":"C"}"#)))
    }

    @Test func badConditionsAreErrors() throws {
        func kind(_ text: String) -> RuleError.Kind? {
            do { _ = try Self.parse(text); return nil } catch { return error.kind }
        }
        #expect(kind("a and") == .invalidCondition)
        #expect(kind("(a or b") == .invalidCondition)
        #expect(kind("a b") == .invalidCondition)
        #expect(kind("a or )") == .invalidCondition)
        #expect(kind("") == .invalidCondition)
        #expect(kind("unknown_selection") == .invalidCondition)
        #expect(kind("1 of nothing_*") == .invalidCondition)
        #expect(kind("2 of sel_*") == .invalidCondition)
        #expect(kind("a | count() by userIdentity.arn > 5") == .unsupported)
        do {
            _ = try Self.parse("a | count() > 5")
        } catch {
            #expect(error.message.contains("correlation"))
        }
        do {
            _ = try Self.parse("a and missing")
        } catch {
            #expect(error.message.contains("'missing'"))
            #expect(error.source == "test.yml")
        }
    }
}
