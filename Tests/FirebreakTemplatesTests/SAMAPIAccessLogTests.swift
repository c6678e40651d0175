import FirebreakTemplates
import Testing

/// FB-LOG-009 on AWS SAM templates: explicit `AWS::Serverless::Api`/`HttpApi`, the implicit
/// `ServerlessRestApi`/`ServerlessHttpApi` that function events create, and `Globals`.
@Suite struct SAMAPIAccessLogTests {
    static let header = """
        AWSTemplateFormatVersion: '2010-09-09'
        Transform: AWS::Serverless-2016-10-31
        """

    /// Two functions behind the implicit REST API, one behind the implicit HTTP API (written as the SAM
    /// developer guide writes its examples).
    static let implicitAPIs = """
        Resources:
          ListItems:
            Type: AWS::Serverless::Function
            Properties:
              Handler: index.list
              Runtime: nodejs20.x
              CodeUri: src/
              Events:
                List:
                  Type: Api
                  Properties:
                    Path: /items
                    Method: get
          PutItem:
            Type: AWS::Serverless::Function
            Properties:
              Handler: index.put
              Runtime: nodejs20.x
              CodeUri: src/
              Events:
                Put:
                  Type: Api
                  Properties:
                    Path: /items/{id}
                    Method: put
          HttpHandler:
            Type: AWS::Serverless::Function
            Properties:
              Handler: index.http
              Runtime: nodejs20.x
              CodeUri: src/
              Events:
                Root:
                  Type: HttpApi
                  Properties:
                    Path: /
                    Method: GET
          AccessLogs:
            Type: AWS::Logs::LogGroup
            Properties:
              RetentionInDays: 30
        """

    static func findings(_ text: String, merged: Bool = true) throws -> [TemplateFinding] {
        let template = try TemplateLoader.parse(text, path: "template.yaml")
        return TemplateChecker.check(merged ? template.mergingSAMGlobals() : template).filter { $0.checkID == "FB-LOG-009" }
    }

    @Test func implicitAPIsAreReportedOnceOnTheirFirstFunction() throws {
        let findings = try Self.findings(Self.header + "\n" + Self.implicitAPIs)
        #expect(findings.count == 2, "\(findings.map(\.message))")
        let rest = try #require(findings.first { $0.message.contains("ServerlessRestApi") })
        let lines = (Self.header + "\n" + Self.implicitAPIs).split(separator: "\n", omittingEmptySubsequences: false)
        let line = { (key: String) in (lines.firstIndex { $0 == "  \(key):" } ?? -1) + 1 }
        #expect(rest.logicalID == "ListItems" && rest.resourceType == "AWS::Serverless::Function" && rest.line == line("ListItems"))
        #expect(rest.message.contains("Globals: Api: AccessLogSetting") && rest.branch == nil)
        let http = try #require(findings.first { $0.message.contains("ServerlessHttpApi") })
        #expect(http.logicalID == "HttpHandler" && http.line == line("HttpHandler") && http.line == 28)
        #expect(http.message.contains("Globals: HttpApi: AccessLogSettings"))
    }

    @Test func globalsGiveTheImplicitAPIsLogging() throws {
        let globals = """
            Globals:
              Api:
                AccessLogSetting:
                  DestinationArn: !GetAtt AccessLogs.Arn
                  Format: '$context.requestId $context.status'
              HttpApi:
                AccessLogSettings:
                  DestinationArn: !GetAtt AccessLogs.Arn
                  Format: '$context.requestId $context.status'
            """
        for merged in [true, false] {
            #expect(try Self.findings(Self.header + "\n" + globals + "\n" + Self.implicitAPIs, merged: merged).isEmpty)
        }
        // Globals of one kind do not cover the other.
        let restOnly = globals.components(separatedBy: "  HttpApi:")[0]
        let findings = try Self.findings(Self.header + "\n" + restOnly + "\n" + Self.implicitAPIs)
        #expect(findings.map(\.logicalID) == ["HttpHandler"])
    }

    @Test func globalsGiveExplicitAPIsLogging() throws {
        let text = Self.header + """

            Globals:
              Api:
                AccessLogSetting:
                  DestinationArn: !GetAtt AccessLogs.Arn
            Resources:
              AccessLogs:
                Type: AWS::Logs::LogGroup
                Properties:
                  RetentionInDays: 30
              RestApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
              FormattedApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  AccessLogSetting:
                    Format: '$context.requestId'
              HttpApi:
                Type: AWS::Serverless::HttpApi
                Properties:
                  StageName: prod
            """
        for merged in [true, false] {
            let findings = try Self.findings(text, merged: merged)
            #expect(findings.map(\.logicalID) == ["HttpApi"], "merged: \(merged)")
            #expect(findings.first?.message.contains("AccessLogSettings") == true)
        }
    }

    @Test func eventsOfAnExplicitAPILeaveItToItsOwnResult() throws {
        let text = Self.header + """

            Resources:
              LoggedApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  AccessLogSetting:
                    DestinationArn: !GetAtt AccessLogs.Arn
              SilentApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
              AccessLogs:
                Type: AWS::Logs::LogGroup
              ListItems:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: index.list
                  Runtime: nodejs20.x
                  Events:
                    List:
                      Type: Api
                      Properties:
                        RestApiId: !Ref LoggedApi
                        Path: /items
                        Method: get
                    Other:
                      Type: Api
                      Properties:
                        RestApiId: !Ref SilentApi
                        Path: /other
                        Method: get
            """
        #expect(try Self.findings(text).map(\.logicalID) == ["SilentApi"])
    }

    @Test func aStateMachineCreatesTheImplicitRestAPITooAndCountsAsFirst() throws {
        let text = Self.header + """

            Resources:
              Workflow:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionUri: statemachine.asl.json
                  Events:
                    Start:
                      Type: Api
                      Properties:
                        Path: /start
                        Method: post
              Status:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: index.status
                  Runtime: nodejs20.x
                  Events:
                    Get:
                      Type: Api
                      Properties:
                        Path: /status
                        Method: get
            """
        #expect(try Self.findings(text).map(\.logicalID) == ["Workflow"])
    }

    @Test func intrinsicsCountAsSetAndConditionsAreFollowed() throws {
        let text = Self.header + """

            Parameters:
              AccessLogArn:
                Type: String
              EnableAccessLogs:
                Type: String
                Default: 'true'
                AllowedValues: ['true', 'false']
            Conditions:
              LogsEnabled: !Equals [!Ref EnableAccessLogs, 'true']
            Globals:
              Api:
                AccessLogSetting: !If
                  - LogsEnabled
                  - DestinationArn: !Ref AccessLogArn
                  - !Ref AWS::NoValue
              HttpApi:
                AccessLogSettings:
                  DestinationArn: !Ref AccessLogArn
            Resources:
              ListItems:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: index.list
                  Runtime: nodejs20.x
                  Events:
                    List:
                      Type: Api
                      Properties:
                        Path: /items
                        Method: get
                    Root:
                      Type: HttpApi
              Explicit:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
            """
        let findings = try Self.findings(text)
        let implicit = try #require(findings.first { $0.logicalID == "ListItems" })
        #expect(findings.filter { $0.logicalID == "ListItems" }.count == 1)
        #expect(implicit.message.contains("ServerlessRestApi") && implicit.message.contains("when LogsEnabled: false"))
        // Globals merged into the explicit API: its Fn::If is expanded like any property.
        let explicit = try #require(findings.first { $0.logicalID == "Explicit" })
        #expect(explicit.branch == "LogsEnabled: false")
        #expect(findings.count == 2)
    }

    @Test func aSkipOnTheFirstFunctionSuppressesTheImplicitFinding() throws {
        let skipped = Self.implicitAPIs.replacingOccurrences(of: """
              ListItems:
                Type: AWS::Serverless::Function

            """, with: """
              ListItems:
                Type: AWS::Serverless::Function
                Metadata:
                  firebreak:
                    skip:
                      - {id: FB-LOG-009, reason: "API Gateway execution logs cover this internal API"}

            """)
        #expect(skipped != Self.implicitAPIs)
        let findings = try Self.findings(Self.header + "\n" + skipped)
        let rest = try #require(findings.first { $0.message.contains("ServerlessRestApi") })
        #expect(rest.logicalID == "ListItems")
        #expect(rest.suppressedBy == "template: API Gateway execution logs cover this internal API")
        #expect(findings.first { $0.message.contains("ServerlessHttpApi") }?.suppressedBy == nil)
    }
}
