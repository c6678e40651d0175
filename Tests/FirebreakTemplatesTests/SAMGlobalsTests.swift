import Testing
import FirebreakTemplates

@Suite struct SAMGlobalsTests {
    static let text = """
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Function:
        Runtime: python3.12
        Timeout: 30
        Tracing: Active
        Environment:
          Variables:
            STAGE: prod
            LEVEL: info
        Layers: [arn:layer:1]
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Timeout: 5
          Environment:
            Variables:
              LEVEL: debug
          Layers: [arn:layer:2]
      Bare:
        Type: AWS::Serverless::Function
      Bucket:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: b
    """

    @Test func globalsMergedResourceKeysWin() throws {
        let template = try TemplateLoader.parse(Self.text, path: "sam.yaml").mergingSAMGlobals()
        let fn = template.resources[0].properties
        #expect(fn["Handler"] == .string("app.handler"))
        #expect(fn["Timeout"]?.sameContent(as: .number("5")) == true)
        #expect(fn["Runtime"]?.sameContent(as: .string("python3.12")) == true)
        #expect(fn["Tracing"]?.sameContent(as: .string("Active")) == true)
        #expect(fn["Environment"]?["Variables"]?["LEVEL"]?.sameContent(as: .string("debug")) == true)
        #expect(fn["Environment"]?["Variables"]?["STAGE"]?.sameContent(as: .string("prod")) == true)
        #expect(fn["Layers"]?.sameContent(as: .list([.string("arn:layer:1"), .string("arn:layer:2")])) == true)
        let bare = template.resources[1].properties
        #expect(bare["Runtime"]?.sameContent(as: .string("python3.12")) == true)
        #expect(template.resources[2].properties.keys == ["BucketName"])
    }

    @Test func withoutTheTransformNothingChanges() throws {
        let text = Self.text.replacingOccurrences(of: "Transform: AWS::Serverless-2016-10-31", with: "Transform: [Other]")
        let template = try TemplateLoader.parse(text, path: "sam.yaml")
        #expect(!template.usesSAM)
        #expect(template.mergingSAMGlobals().root == template.root)
    }

    @Test func transformList() throws {
        let text = Self.text.replacingOccurrences(of: "Transform: AWS::Serverless-2016-10-31",
                                                  with: "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]")
        let template = try TemplateLoader.parse(text, path: "sam.yaml")
        #expect(template.usesSAM)
        #expect(template.mergingSAMGlobals().resources[1].properties["Timeout"] != nil)
    }
}
