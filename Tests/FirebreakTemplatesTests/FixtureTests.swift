import FirebreakTemplates
import Testing

@Suite struct FixtureTests {
    @Test func yamlKeepsOrderTypesAndLines() throws {
        let template = try Fixture.template("""
            Resources:
              B: {Type: AWS::S3::Bucket}
              A:
                Type: AWS::EC2::Volume
                Properties: {Encrypted: "true", Size: 10, Flag: true}
            """)
        #expect(template.resources.map(\.logicalID) == ["B", "A"])
        #expect(template.resources.map(\.line) == [2, 3])
        let properties = template.resources[1].properties
        #expect(properties["Encrypted"] == .string("true"))
        #expect(properties["Size"] == .number("10"))
        #expect(properties["Flag"] == .bool(true))
    }
}
