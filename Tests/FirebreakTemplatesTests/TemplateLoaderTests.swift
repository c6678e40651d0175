import Testing
import FirebreakTemplates

@Suite struct TemplateLoaderTests {
    private func load(_ text: String) throws -> Template { try TemplateLoader.parse(text, path: "t.yaml") }

    private func resourceProperty(_ text: String, _ key: String = "P") throws -> TemplateValue? {
        try load(text).resources.first?.properties[key]
    }

    private func long(_ key: String, _ value: TemplateValue) -> TemplateValue {
        .map(TemplateMap([TemplateMap.Entry(key: key, value: value)]))
    }

    private func same(_ a: TemplateValue?, _ b: TemplateValue) -> Bool { a?.sameContent(as: b) ?? false }

    private func yaml(_ property: String) -> String {
        """
        Resources:
          R:
            Type: AWS::S3::Bucket
            Properties:
              P: \(property)
        """
    }

    @Test func scalarsFollowStyleAndCoreSchema() throws {
        let text = """
        Resources:
          R:
            Type: T
            Properties:
              a: true
              b: "true"
              c: yes
              d: on
              e: 1
              f: '1'
              g: 1.50
              h: null
              i: ~
              j: 2010-09-09
              k:
              l: -3e2
              m: 0755
              n: "yes"
        """
        let p = try load(text).resources[0].properties
        #expect(p["a"] == .bool(true))
        #expect(p["b"] == .string("true"))
        #expect(p["c"] == .string("yes"))
        #expect(p["d"] == .string("on"))
        #expect(p["e"] == .number("1"))
        #expect(p["f"] == .string("1"))
        #expect(p["g"] == .number("1.50"))
        #expect(p["h"] == .null)
        #expect(p["i"] == .null)
        #expect(p["j"] == .string("2010-09-09"))
        #expect(p["k"] == .null)
        #expect(p["l"] == .number("-3e2"))
        #expect(p["m"] == .number("0755"))
        #expect(p["n"] == .string("yes"))
    }

    @Test func jsonStringsStayStrings() throws {
        let json = #"{"Resources": {"R": {"Type": "T", "Properties": {"a": "yes", "b": "on", "c": "1", "d": 1, "e": true, "f": null, "g": "null", "h": "a\/b"}}}}"#
        let p = try TemplateLoader.parse(json, path: "t.json").resources[0].properties
        #expect(p["a"] == .string("yes"))
        #expect(p["b"] == .string("on"))
        #expect(p["c"] == .string("1"))
        #expect(p["d"] == .number("1"))
        #expect(p["e"] == .bool(true))
        #expect(p["f"] == .null)
        #expect(p["g"] == .string("null"))
        #expect(p["h"] == .string("a/b"))
    }

    @Test func jsonWithTabsAndNoSpaces() throws {
        let json = "{\n\t\"Resources\":{\"R\":{\"Type\":\"T\",\n\t\t\"Properties\":{\"a\":[1,2]}}}}"
        let template = try TemplateLoader.parse(json, path: "t.json")
        #expect(template.resources[0].properties["a"] == .list([.number("1"), .number("2")]))
        #expect(template.resources[0].line == 2)
    }

    @Test func linesAreOneBased() throws {
        let template = try load(yaml("x"))
        #expect(template.root.line(of: "Resources") == 1)
        #expect(template.resources[0].line == 2)
        #expect(template.resources[0].properties.line(of: "P") == 5)
    }

    @Test func ref() throws {
        #expect(same(try resourceProperty(yaml("!Ref Name")), long("Ref", .string("Name"))))
    }

    @Test func condition() throws {
        #expect(same(try resourceProperty(yaml("!Condition IsProd")), long("Condition", .string("IsProd"))))
    }

    @Test func getAttScalarSplitsAtFirstDot() throws {
        #expect(same(try resourceProperty(yaml("!GetAtt Db.Endpoint.Address")), long("Fn::GetAtt", .list([.string("Db"), .string("Endpoint.Address")]))))
    }

    @Test func getAttList() throws {
        #expect(same(try resourceProperty(yaml("!GetAtt [Role, Arn]")), long("Fn::GetAtt", .list([.string("Role"), .string("Arn")]))))
    }

    @Test(arguments: ["Sub", "Base64", "ImportValue", "Transform", "GetAZs", "Whatever"])
    func scalarFunctions(name: String) throws {
        #expect(same(try resourceProperty(yaml("!\(name) abc")), long("Fn::\(name)", .string("abc"))))
    }

    @Test(arguments: ["Join", "Select", "Split", "If", "Equals", "And", "Or", "Not", "FindInMap", "Cidr", "Sub"])
    func listFunctions(name: String) throws {
        #expect(same(try resourceProperty(yaml("!\(name) [a, 1]")), long("Fn::\(name)", .list([.string("a"), .number("1")]))))
    }

    @Test func nestedShortForms() throws {
        let value = try resourceProperty(yaml("!If [IsProd, !Sub '${AWS::Region}-x', !Ref AWS::NoValue]"))
        #expect(same(value, long("Fn::If", .list([.string("IsProd"), long("Fn::Sub", .string("${AWS::Region}-x")),
                                                long("Ref", .string("AWS::NoValue"))]))))
    }

    @Test func taggedMapping() throws {
        let text = """
        Resources:
          R:
            Type: T
            Properties:
              P: !Sub
                - '${A}-b'
                - A: !Ref X
        """
        #expect(same(try resourceProperty(text), long("Fn::Sub", .list([.string("${A}-b"),
                                                                      .map(TemplateMap([.init(key: "A", value: long("Ref", .string("X")))]))]))))
    }

    @Test func bareGetAZsIsNull() throws {
        #expect(same(try resourceProperty(yaml("!GetAZs")), long("Fn::GetAZs", .null)))
        #expect(same(try resourceProperty(yaml("!GetAZs ''")), long("Fn::GetAZs", .string(""))))
    }

    @Test func duplicateKeyInYAML() {
        let text = """
        Resources:
          R:
            Type: T
            Properties:
              A: 1
              B: 2
              A: 3
        """
        #expect {
            _ = try TemplateLoader.parse(text, path: "dup.yaml")
        } throws: { error in
            guard let error = error as? TemplateLoadError else { return false }
            return error.path == "dup.yaml" && error.line == 7 && error.column == 7 && error.message.contains("duplicate key 'A'")
                && error.description.hasPrefix("dup.yaml:7:7: ")
        }
    }

    @Test func duplicateKeyInJSON() {
        let json = "{\"Resources\": {\"R\": {\"Type\": \"T\"},\n  \"R\": {\"Type\": \"U\"}}}"
        #expect {
            _ = try TemplateLoader.parse(json, path: "dup.json")
        } throws: { error in
            guard let error = error as? TemplateLoadError else { return false }
            return error.line == 2 && error.column == 3 && error.message.contains("duplicate key 'R'")
        }
    }

    @Test func invalidYAML() {
        let text = "Resources:\n  R:\n    Type: [a, b\n  X: 1\n"
        #expect {
            _ = try TemplateLoader.parse(text, path: "bad.yaml")
        } throws: { error in
            guard let error = error as? TemplateLoadError else { return false }
            return error.path == "bad.yaml" && error.line > 0 && error.column > 0 && error.message.contains("invalid")
        }
    }

    @Test func invalidJSON() {
        let json = "{\"Resources\": {\"R\": {\"Type\": \"T\"}\n"
        #expect {
            _ = try TemplateLoader.parse(json, path: "bad.json")
        } throws: { error in
            guard let error = error as? TemplateLoadError else { return false }
            return error.line == 2 && error.column > 0
        }
    }

    @Test(arguments: ["- a\n- b\n", "just text\n", "Foo: 1\nBar: 2\n", ""])
    func notATemplate(text: String) {
        #expect {
            _ = try TemplateLoader.parse(text, path: "x.yaml")
        } throws: { error in
            guard let error = error as? TemplateLoadError else { return false }
            return error.line >= 1 && error.column >= 1 && error.message.contains("not a CloudFormation template")
        }
    }

    @Test func transformOnlyIsATemplate() throws {
        _ = try load("Transform: AWS::Serverless-2016-10-31\n")
        _ = try load("AWSTemplateFormatVersion: '2010-09-09'\n")
    }

    @Test func missingFile() {
        #expect(throws: TemplateLoadError.self) { _ = try TemplateLoader.load(path: "/nonexistent/x.yaml") }
    }
}
