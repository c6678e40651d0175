import FirebreakLogs
import Testing
import Yams
@testable import FirebreakDetection

@Suite struct SigmaRuleParserTests {
    typealias S = SigmaTestSupport

    @Test func metadataIsRead() throws {
        let rule = try S.rule("""
            title: Test Rule
            id: 0f0e0d0c-0000-4000-8000-000000000001
            name: test_rule
            status: experimental
            description: A test.
            author: someone
            date: 2024-07-11
            modified: 2025/01/02
            references:
                - https://example.com
            tags:
                - attack.t1078
            logsource:
                product: AWS
                service: CloudTrail
            detection:
                selection:
                    eventName: X
                condition: selection
            falsepositives:
                - none
            fields:
                - eventName
            level: high
            custom_key: kept out of the way
            x-whatever:
                nested: true
            """, source: "rules/test.yml")
        #expect(rule.title == "Test Rule")
        #expect(rule.id == "0f0e0d0c-0000-4000-8000-000000000001")
        #expect(rule.name == "test_rule")
        #expect(rule.status == "experimental")
        #expect(rule.description == "A test.")
        #expect(rule.author == "someone")
        #expect(rule.date == "2024-07-11")
        #expect(rule.modified == "2025/01/02")
        #expect(rule.references == ["https://example.com"])
        #expect(rule.tags == ["attack.t1078"])
        #expect(rule.logsource == .cloudTrail)
        #expect(rule.falsepositives == ["none"])
        #expect(rule.fields == ["eventName"])
        #expect(rule.level == .high)
        #expect(rule.source == "rules/test.yml")
        #expect(rule.detection.selectionNames == ["selection"])
        #expect(rule.detection.conditions == ["selection"])
        #expect(rule.detection.selections["selection"] == .maps([[SigmaFieldItem(key: "eventName", field: "eventName", modifiers: [], values: [.string("X")])]]))
    }

    @Test func scalarsAreTyped() throws {
        let rule = try S.rule(S.cloudTrailRule("""
            selection:
                a: 22
                b: 1.5
                c: true
                d: null
                e: '22'
                f: 'true'
                g: [1, two]
            condition: selection
            """))
        guard case .maps(let maps) = rule.detection.selections["selection"] else { Issue.record("not a map"); return }
        #expect(maps[0].map(\.values) == [[.int(22)], [.double(1.5)], [.bool(true)], [.null], [.string("22")], [.string("true")],
                                          [.int(1), .string("two")]])
    }

    static func parseError(_ yaml: String) -> RuleError? {
        do {
            guard let node = try Yams.compose(yaml: yaml) else { return nil }
            _ = try SigmaRule.parse(node, source: "bad.yml")
            return nil
        } catch let error as RuleError {
            return error
        } catch {
            return nil
        }
    }

    @Test func missingPartsAreErrors() {
        let noTitle = Self.parseError("detection:\n  s:\n    a: 1\n  condition: s\n")
        #expect(noTitle?.kind == .invalidRule)
        #expect(noTitle?.message.contains("title") == true)
        let noDetection = Self.parseError("title: t\nid: r1\nlogsource:\n  product: aws\n")
        #expect(noDetection?.kind == .invalidRule)
        #expect(noDetection?.message.contains("detection") == true)
        #expect(noDetection?.source == "bad.yml (r1)")
        let noCondition = Self.parseError("title: t\ndetection:\n  s:\n    a: 1\n")
        #expect(noCondition?.kind == .invalidRule)
        #expect(noCondition?.message.contains("condition") == true)
        #expect(noCondition?.source == "bad.yml (t)")
        let badLevel = Self.parseError("title: t\nlevel: severe\ndetection:\n  s:\n    a: 1\n  condition: s\n")
        #expect(badLevel?.message.contains("severe") == true)
        let notAMapping = Self.parseError("- a\n- b\n")
        #expect(notAMapping?.kind == .invalidRule)
        let mixed = Self.parseError("title: t\ndetection:\n  s:\n    - a: 1\n    - keyword\n  condition: s\n")
        #expect(mixed?.kind == .unsupported)
    }
}

@Suite struct RuleCompilerErrorTests {
    typealias S = SigmaTestSupport

    static func compileError(_ detection: String, placeholders: StaticPlaceholders = StaticPlaceholders()) -> RuleError? {
        do {
            _ = try S.compile(S.cloudTrailRule(detection), placeholders: placeholders)
            return nil
        } catch let error as RuleError {
            return error
        } catch {
            Issue.record("not a RuleError: \(error)")
            return nil
        }
    }

    @Test func unknownModifierIsNamed() {
        let error = Self.compileError("sel:\n    eventName|containz: x\ncondition: sel")
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("'containz'") == true)
        #expect(error?.message.contains("selection 'sel'") == true)
        #expect(error?.source == "test.yml (test-rule)")
        // Real Sigma modifiers this compiler does not implement are named too.
        #expect(Self.compileError("sel:\n    eventName|utf8: x\ncondition: sel")?.kind == .unsupported)
    }

    @Test func badAndUnknownSelectionsInConditions() {
        let unknown = Self.compileError("sel:\n    eventName: x\ncondition: sel and other")
        #expect(unknown?.kind == .invalidCondition)
        #expect(unknown?.message.contains("'other'") == true)
        let bad = Self.compileError("sel:\n    eventName: x\ncondition: sel and or sel")
        #expect(bad?.kind == .invalidCondition)
        let aggregation = Self.compileError("sel:\n    eventName: x\ncondition: sel | count() by sourceIPAddress > 10")
        #expect(aggregation?.kind == .unsupported)
    }

    @Test func unknownPlaceholderIsNamed() {
        let error = Self.compileError("sel:\n    sourceIPAddress|expand: '%bad_ips%'\ncondition: sel")
        #expect(error?.kind == .unknownPlaceholder)
        #expect(error?.message.contains("%bad_ips%") == true)
        let embedded = Self.compileError("sel:\n    sourceIPAddress|expand: 'x%nets%'\ncondition: sel",
                                         placeholders: StaticPlaceholders(["nets": .addresses(IPSet())]))
        #expect(embedded?.kind == .invalidValue)
    }

    @Test func badValuesAreErrors() {
        let regex = Self.compileError("sel:\n    eventName|re: '(unclosed'\ncondition: sel")
        #expect(regex?.kind == .invalidValue)
        #expect(regex?.message.contains("(unclosed") == true)
        #expect(Self.compileError("sel:\n    sourceIPAddress|cidr: 10.0.0.0/33\ncondition: sel")?.kind == .invalidValue)
        #expect(Self.compileError("sel:\n    a|gt: many\ncondition: sel")?.kind == .invalidValue)
        #expect(Self.compileError("sel:\n    a|exists: maybe\ncondition: sel")?.kind == .invalidValue)
        #expect(Self.compileError("sel:\n    a|base64: 'x*'\ncondition: sel")?.kind == .invalidValue)
        #expect(Self.compileError("sel:\n    a|re|contains: x\ncondition: sel")?.kind == .invalidRule)
        #expect(Self.compileError("sel:\n    a|re|cidr: x\ncondition: sel")?.kind == .invalidRule)
        #expect(Self.compileError("sel:\n    a|i: x\ncondition: sel")?.kind == .invalidRule)
        #expect(Self.compileError("sel:\n    a|wide: x\ncondition: sel")?.kind == .invalidRule)
        #expect(Self.compileError("sel:\n    a|all:\n        - null\n        - x\ncondition: sel")?.kind == .unsupported)
    }
}
