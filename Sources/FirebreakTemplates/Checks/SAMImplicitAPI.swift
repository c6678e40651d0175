/// An API that AWS SAM creates itself: `ServerlessRestApi` for the `Api` events, and `ServerlessHttpApi` for
/// the `HttpApi` events, of functions (and state machines) that name no API of their own (`RestApiId`,
/// `ApiId`). It takes its properties from `Globals.Api` (resp. `Globals.HttpApi`) only.
enum SAMImplicitAPI: String, CaseIterable, Sendable {
    case rest = "ServerlessRestApi"
    case http = "ServerlessHttpApi"

    /// The resource types whose `Events` may create implicit APIs.
    static let creatorTypes: Set<String> = ["AWS::Serverless::Function", "AWS::Serverless::StateMachine"]

    /// The event `Type` that routes to this API.
    var eventType: String { self == .rest ? "Api" : "HttpApi" }
    /// The event property naming an explicit API instead.
    var apiIDKey: String { self == .rest ? "RestApiId" : "ApiId" }
    /// The `Globals` section (and `AWS::Serverless::<section>` type) of this kind of API.
    var globalsSection: String { eventType }
    /// The explicit resource type of this kind of API.
    var explicitType: String { "AWS::Serverless::\(globalsSection)" }
    /// The property that gives this kind of API access logs.
    var accessLogKey: String { self == .rest ? "AccessLogSetting" : "AccessLogSettings" }

    /// The kind of SAM API of an explicit resource type, if it is one.
    init?(explicitType type: String) {
        guard let api = Self.allCases.first(where: { $0.explicitType == type }) else { return nil }
        self = api
    }

    /// Whether `resource` (one resolved variant) has an event of this API's type without an API id.
    func isCreated(by resource: TemplateResource) -> Bool {
        guard Self.creatorTypes.contains(resource.type), let events = resource.properties["Events"]?.map else { return false }
        return events.entries.contains { event in
            CheckValues.literal(event.value["Type"]) == eventType && !CheckValues.present(event.value["Properties"]?[apiIDKey])
        }
    }

    /// The logical id of the first resource of the template that creates this API (on any branch).
    func firstCreator(in context: CheckContext) -> String? {
        context.resources.first { resource in
            Self.creatorTypes.contains(resource.type)
                && (context.variants[resource.logicalID] ?? [(nil, resource)]).contains { isCreated(by: $0.resource) }
        }?.logicalID
    }

    /// The value `Globals` gives this kind of API for its access log setting.
    func globalAccessLogSetting(in template: Template) -> TemplateValue? {
        template.root["Globals"]?[globalsSection]?[accessLogKey]
    }
}
