/// A field of an Application Load Balancer access log entry, named as the AWS documentation names it
/// ("Access log entries" in the ELB user guide), with `client:port`, `target:port` and `request` also split.
public enum ALBLogField: String, Sendable, CaseIterable {
    case type
    case time
    case elb
    case clientIP = "client_ip"
    case clientPort = "client_port"
    case targetIP = "target_ip"
    case targetPort = "target_port"
    case requestProcessingTime = "request_processing_time"
    case targetProcessingTime = "target_processing_time"
    case responseProcessingTime = "response_processing_time"
    case elbStatusCode = "elb_status_code"
    case targetStatusCode = "target_status_code"
    case receivedBytes = "received_bytes"
    case sentBytes = "sent_bytes"
    case request
    case requestVerb = "request_verb"
    case requestURL = "request_url"
    case requestProto = "request_proto"
    case userAgent = "user_agent"
    case sslCipher = "ssl_cipher"
    case sslProtocol = "ssl_protocol"
    case targetGroupARN = "target_group_arn"
    case traceID = "trace_id"
    case domainName = "domain_name"
    case chosenCertARN = "chosen_cert_arn"
    case matchedRulePriority = "matched_rule_priority"
    case requestCreationTime = "request_creation_time"
    case actionsExecuted = "actions_executed"
    case redirectURL = "redirect_url"
    case errorReason = "error_reason"
    case targetPortList = "target:port_list"
    case targetStatusCodeList = "target_status_code_list"
    case classification
    case classificationReason = "classification_reason"
    case connTraceID = "conn_trace_id"

    /// How rules compare the field's value.
    public typealias Kind = TextFieldKind

    public var kind: Kind {
        switch self {
        case .clientIP, .targetIP: return .address
        case .clientPort, .targetPort, .elbStatusCode, .targetStatusCode, .receivedBytes, .sentBytes, .matchedRulePriority:
            return .integer
        case .requestProcessingTime, .targetProcessingTime, .responseProcessingTime: return .decimal
        default: return .string
        }
    }

    private static let byName: [String: ALBLogField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    /// The field with this name (`client_ip`, `elb_status_code`, ...), or nil.
    public init?(name: String) {
        guard let field = Self.byName[name] else { return nil }
        self = field
    }
}
