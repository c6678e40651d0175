/// One Application Load Balancer access log entry (`logsource: {product: aws, service: elb}`).
///
/// Columns are kept as the entry wrote them, quotes removed and `\"` / `\\` unescaped; `-` (quoted or not) is absent.
/// Columns after `conn_trace_id` (fields AWS adds later) are ignored, as the documentation asks.
public struct ALBLogRecord: Sendable, Equatable {
    /// The entry as received.
    public let line: String
    /// The documented columns in order (`type` ... `conn_trace_id`); nil where the entry has `-` or ends early.
    public let columns: [String?]

    /// The documented columns, in order, by their AWS names.
    public static let columnNames = [
        "type", "time", "elb", "client:port", "target:port", "request_processing_time", "target_processing_time",
        "response_processing_time", "elb_status_code", "target_status_code", "received_bytes", "sent_bytes", "request",
        "user_agent", "ssl_cipher", "ssl_protocol", "target_group_arn", "trace_id", "domain_name", "chosen_cert_arn",
        "matched_rule_priority", "request_creation_time", "actions_executed", "redirect_url", "error_reason",
        "target:port_list", "target_status_code_list", "classification", "classification_reason", "conn_trace_id",
    ]

    public init(line: String, columns: [String?]) {
        self.line = line
        var padded = Array(columns.prefix(Self.columnNames.count))
        while padded.count < Self.columnNames.count { padded.append(nil) }
        self.columns = padded
    }

    private func column(_ name: String) -> String? {
        Self.columnIndex[name].flatMap { columns[$0] }
    }

    private static let columnIndex: [String: Int] = Dictionary(uniqueKeysWithValues: columnNames.enumerated().map { ($1, $0) })

    /// The field's value as text; nil when absent.
    public func value(of field: ALBLogField) -> String? {
        switch field {
        case .clientIP: return Self.splitAddress(column("client:port"))?.ip
        case .clientPort: return Self.splitAddress(column("client:port"))?.port
        case .targetIP: return Self.splitAddress(column("target:port"))?.ip
        case .targetPort: return Self.splitAddress(column("target:port"))?.port
        case .requestVerb: return requestParts?.verb
        case .requestURL: return requestParts?.url
        case .requestProto: return requestParts?.proto
        default: return column(field.rawValue)
        }
    }

    /// The value of the field named `name` (an `ALBLogField` name); nil when absent or unknown.
    public func field(_ name: String) -> String? {
        ALBLogField(name: name).flatMap(value(of:))
    }

    /// The load balancer's resource id (`app/<name>/<id>`).
    public var elb: String? { columns[2] }

    /// The client address.
    public var clientIP: IPAddress? { value(of: .clientIP).flatMap(IPAddress.init) }

    /// `address:port` (or `[v6]:port`) split at its last colon; nil for `-`.
    static func splitAddress(_ text: String?) -> (ip: String, port: String?)? {
        guard let text, !text.isEmpty else { return nil }
        if text.first == "[", let close = text.firstIndex(of: "]") {
            let ip = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            return (ip, rest.first == ":" ? String(rest.dropFirst()) : nil)
        }
        // IPv4 or IPv6 address, a colon, the port: the port follows the last colon.
        guard let colon = text.lastIndex(of: ":") else { return (text, nil) }
        let port = String(text[text.index(after: colon)...])
        return (String(text[..<colon]), port.isEmpty || port == "-" ? nil : port)
    }

    /// `request` (`VERB url PROTO`, trailing spaces dropped) split at its first and last space; `-` parts are absent
    /// (a request the load balancer could not read is logged as `- - - `).
    private var requestParts: (verb: String?, url: String?, proto: String?)? {
        guard let whole = columns[12] else { return nil }
        var request = whole[...]
        while request.last == " " { request = request.dropLast() }
        func present(_ s: Substring) -> String? { s.isEmpty || s == "-" ? nil : String(s) }
        guard let first = request.firstIndex(of: " ") else { return (present(request), nil, nil) }
        let verb = request[..<first]
        let rest = request[request.index(after: first)...]
        guard let last = rest.lastIndex(of: " ") else { return (present(verb), present(rest), nil) }
        return (present(verb), present(rest[..<last]), present(rest[rest.index(after: last)...]))
    }

    /// The entry as a JSON object keyed by `ALBLogField` names (absent fields left out; numbers as numbers).
    public func jsonObject() -> JSONValue {
        var object = JSONObject()
        for field in ALBLogField.allCases {
            guard let text = value(of: field) else { continue }
            switch field.kind {
            case .integer:
                if let n = Int64(text) { object.append(field.rawValue, .int(n)); continue }
            case .decimal:
                if let d = Double(text), d.isFinite { object.append(field.rawValue, .double(d)); continue }
            case .string, .address:
                break
            }
            object.append(field.rawValue, .string(text))
        }
        return .object(object)
    }
}
