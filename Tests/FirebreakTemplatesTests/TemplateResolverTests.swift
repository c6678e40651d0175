import Testing
import FirebreakTemplates

@Suite struct TemplateResolverTests {
    static let text = """
    AWSTemplateFormatVersion: '2010-09-09'
    Parameters:
      Env:
        Type: String
        Default: dev
      Size:
        Type: Number
        Default: 20
      NoDefault:
        Type: String
    Mappings:
      RegionMap:
        us-east-1:
          AMI: ami-123
          Bits: 64
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
    Resources:
      Bucket:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub '${Env}-${AWS::Region}-${AWS::AccountId}-${!Literal}'
          Arn: !Sub 'arn:${AWS::Partition}:s3:::x.${AWS::URLSuffix}'
          Size: !Ref Size
          Ami: !FindInMap [RegionMap, !Ref 'AWS::Region', AMI]
          Bits: !FindInMap [RegionMap, us-east-1, Bits]
          Joined: !Join ['-', [a, !Ref Env, 3]]
          Unknown: !Ref NoDefault
          Attr: !GetAtt Other.Arn
          Partial: !Join ['-', [a, !GetAtt Other.Arn]]
          SubVars: !Sub ['${A}/${B}', {A: x, B: !Ref Env}]
          SubUnknown: !Sub '${Other.Arn}/x'
          Gone: !Ref AWS::NoValue
          Encryption: !If
            - IsProd
            - Algorithm: aws:kms
              Key: !Ref AWS::NoValue
            - !Ref AWS::NoValue
          Versioning: !If [IsProd, Enabled, Suspended]
          Logging: !If [UseLogs, on, off]
    """

    let template: Template
    let resolver: TemplateResolver
    let properties: TemplateMap

    init() throws {
        template = try TemplateLoader.parse(Self.text, path: "r.yaml")
        resolver = TemplateResolver(template: template)
        properties = template.resources[0].properties
    }

    private func resolved(_ key: String) -> TemplateValue? { properties[key].flatMap(resolver.resolve) }

    @Test func refToParameterDefault() {
        #expect(resolved("Size") == .number("20"))
        #expect(resolver.reference("Env") == .string("dev"))
    }

    @Test func givenParametersWin() {
        let given = TemplateResolver(template: template, parameters: ["Env": "prod"])
        #expect(properties["Joined"].flatMap(given.resolve) == .string("a-prod-3"))
    }

    @Test func pseudoParameters() {
        #expect(resolved("BucketName") == .string("dev-us-east-1-123456789012-${Literal}"))
        #expect(resolved("Arn") == .string("arn:aws:s3:::x.amazonaws.com"))
    }

    @Test func findInMap() {
        #expect(resolved("Ami") == .string("ami-123"))
        #expect(resolved("Bits") == .number("64"))
    }

    @Test func joinAndSub() {
        #expect(resolved("Joined") == .string("a-dev-3"))
        #expect(resolved("SubVars") == .string("x/dev"))
    }

    @Test func unresolvableStaysIntrinsic() {
        #expect(resolved("Unknown")?.intrinsic?.name == "Ref")
        #expect(resolved("Attr")?.intrinsic?.name == "Fn::GetAtt")
        #expect(resolved("Partial")?.intrinsic?.name == "Fn::Join")
        #expect(resolved("SubUnknown")?.intrinsic?.name == "Fn::Sub")
    }

    @Test func noValueRemoves() {
        #expect(resolved("Gone") == nil)
        guard case .map(let all)? = resolver.resolve(.map(properties)) else { Issue.record("not a map"); return }
        #expect(all["Gone"] == nil)
        #expect(all["Size"] == .number("20"))
    }

    @Test func resolveKeepsIfWithBothBranches() {
        let value = resolved("Encryption")
        #expect(value?.intrinsic?.name == "Fn::If")
        #expect(value?.intrinsic?.argument.list?.count == 3)
        #expect(resolved("Versioning")?.intrinsic?.argument.list?.count == 3)
    }

    @Test func ifVariantsCoverBothBranches() {
        let variants = resolver.variants(properties["Encryption"]!)
        #expect(variants.count == 2)
        #expect(variants[0].branch == "IsProd: true")
        #expect(variants[0].value.map?.keys == ["Algorithm"])   // the NoValue key is removed
        #expect(variants[1].branch == "IsProd: false")
        #expect(variants[1].value == .null)
    }

    @Test func variantsOfAWholeMapKeepConditionsConsistent() {
        let variants = resolver.variants(.map(properties))
        // IsProd (Encryption, Versioning) × UseLogs (Logging): four combinations, not eight.
        #expect(variants.map(\.branch) == ["IsProd: true, UseLogs: true", "IsProd: true, UseLogs: false",
                                           "IsProd: false, UseLogs: true", "IsProd: false, UseLogs: false"])
        #expect(variants[0].value["Versioning"] == .string("Enabled"))
        #expect(variants[0].value["Encryption"] != nil)
        #expect(variants[2].value["Versioning"] == .string("Suspended"))
        #expect(variants[2].value["Encryption"] == nil)
        #expect(variants[3].value["Logging"] == .string("off"))
        #expect(variants[0].value["Size"] == .number("20"))
    }

    @Test func noIfIsOneVariant() {
        let variants = resolver.variants(properties["Joined"]!)
        #expect(variants.count == 1)
        #expect(variants[0].branch == nil)
        #expect(variants[0].value == .string("a-dev-3"))
    }

    @Test func variantsAreBounded() {
        let ifs = (0..<8).map { index in
            "  P\(index): !If [C\(index), a, b]"
        }.joined(separator: "\n")
        let value = try? TemplateLoader.parse("Resources: {}\nX:\n\(ifs)\n", path: "b.yaml").root["X"]
        #expect(value.map(resolver.variants)?.count == TemplateResolver.maximumVariants)
    }
}
