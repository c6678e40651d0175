import FirebreakTemplates
import Testing

let allCheckCases = NetworkCheckCases.all + IAMCheckCases.all + DataCheckCases.all + LoggingCheckCases.all + PolicyCheckCases.all

@Suite struct CheckCaseTests {
    @Test(arguments: allCheckCases)
    func flagsTheBadTemplateOnly(_ testCase: CheckCase) throws {
        let check = try #require(CheckRegistry.check(id: testCase.id))
        let bad = check.evaluate(try Fixture.resources(testCase.bad), configuration: testCase.configuration)
        #expect(Set(bad.map(\.logicalID)) == Set(testCase.flagged), "\(bad.map { "\($0.logicalID): \($0.message)" })")
        #expect(bad.allSatisfy { $0.checkID == testCase.id && $0.line > 0 && $0.branch == nil && $0.suppressedBy == nil })
        let good = check.evaluate(try Fixture.resources(testCase.good), configuration: testCase.configuration)
        #expect(good.isEmpty, "\(good.map { "\($0.logicalID): \($0.message)" })")
    }

    @Test func everyResourceCheckHasACase() {
        let covered = Set(allCheckCases.map(\.id))
        let missing = CheckRegistry.definitions.map(\.id).filter { !covered.contains($0) && $0 != "FB-META-001" }
        #expect(missing.isEmpty)
    }

    @Test func registryIsWellFormed() {
        let definitions = CheckRegistry.definitions
        #expect(definitions.count >= 40)
        #expect(Set(definitions.map(\.id)).count == definitions.count)
        for definition in definitions {
            #expect(definition.id.hasPrefix("FB-") && !definition.title.isEmpty && !definition.fix.isEmpty && !definition.description.isEmpty)
        }
        #expect(CheckRegistry.check(id: "FB-NET-002")?.definition.checkov == ["CKV_AWS_24"])
        #expect(CheckRegistry.check(id: "FB-NET-007")?.definition.cfnNag == ["F1000"])
    }
}
