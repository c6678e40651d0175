import Dispatch
import FirebreakHTTP
import FirebreakLogs
import FirebreakResponse
import FirebreakTime
import Foundation

/// `GET /findings?since=&level=&rule=&limit=&format=` and `GET /findings/{id}` (with its actions), as JSON, on the
/// admin listener; `format=ocsf` lists OCSF Detection Findings (`OCSFFinding`) instead of Firebreak's finding JSON.
/// Queries run one at a time on a queue of their own, on the store's read-only connection: never on a connection's
/// thread, never holding the lock that commits deliveries.
struct FindingsAPI: Sendable {
    let store: any StateStore
    let queue = DispatchQueue(label: "firebreak.findings")

    func register(on router: inout HTTPRouter) {
        router.route("GET", "/findings") { request, respond in queue.async { respond(list(request)) } }
        router.route("GET", "/findings/*") { request, respond in queue.async { respond(one(request)) } }
    }

    /// Query parameters this API reads; any other is refused, so that a typo is not silently ignored.
    static let parameters: Set<String> = ["since", "level", "rule", "limit", "format"]

    func list(_ request: HTTPRequest) -> HTTPResponse {
        let query = Self.query(request.query)
        if let unknown = query.keys.sorted().first(where: { !Self.parameters.contains($0) }) {
            return Self.badRequest("unknown parameter '\(unknown)'; /findings takes since, level, rule, limit and format")
        }
        let ocsf: Bool
        switch query["format"] ?? "json" {
        case "json": ocsf = false
        case "ocsf": ocsf = true
        case let other: return Self.badRequest("format must be json (the default) or ocsf, not '\(other)'")
        }
        var since: Date?
        if let text = query["since"] {
            guard let parsed = Self.parseTime(text) else {
                return Self.badRequest("since must be an ISO-8601 time or milliseconds since the epoch, in years 0000 to 9999")
            }
            since = parsed
        }
        var limit = 100
        if let text = query["limit"] {
            guard let value = Int(text), (1...1000).contains(value) else {
                return Self.badRequest("limit must be a whole number from 1 to 1000")
            }
            limit = value
        }
        do {
            let findings = try store.findings(since: since, level: query["level"], rule: query["rule"], limit: limit)
            let listed = ocsf ? findings.map { OCSFFinding().render($0) } : findings.map(Self.findingJSON)
            return Self.json(200, .object(JSONObject([("findings", .array(listed))])))
        } catch {
            return Self.json(503, .object(JSONObject([("error", .string("the store cannot be read: \(error)"))])))
        }
    }

    func one(_ request: HTTPRequest) -> HTTPResponse {
        let id = String(request.path.dropFirst("/findings/".count))
        do {
            guard let (finding, actions) = try store.finding(id: id) else {
                return Self.json(404, .object(JSONObject([("error", .string("no finding \(id)"))])))
            }
            guard case .object(var object) = Self.findingJSON(finding) else { return Self.json(500, .null) }
            object.append("samples", .array(finding.samples.compactMap { try? JSONParser().parse($0) }))
            object.append("actions", .array(actions.map(Self.actionJSON)))
            return Self.json(200, .object(object))
        } catch {
            return Self.json(503, .object(JSONObject([("error", .string("the store cannot be read: \(error)"))])))
        }
    }

    /// The finding as stored (its first match), with how many matches it merges and when they were seen.
    static func findingJSON(_ finding: StoredFinding) -> JSONValue {
        guard case .object(var object)? = try? JSONParser().parse(finding.json) else {
            return .object(JSONObject([("findingId", .string(finding.id))]))
        }
        object.append("count", .int(Int64(finding.count)))
        object.append("firstSeen", .string(UTCTime(clampingMillis: finding.firstSeenMillis).iso8601))
        object.append("lastSeen", .string(UTCTime(clampingMillis: finding.lastSeenMillis).iso8601))
        return .object(object)
    }

    static func actionJSON(_ record: ActionRecord) -> JSONValue {
        let action = record.action
        var object = JSONObject()
        object.append("id", .string(action.id))
        object.append("playbook", .string(action.playbook))
        object.append("sequence", .int(Int64(action.sequence)))
        object.append("step", .string(action.step.kind.rawValue))
        object.append("resourceType", .string(action.resourceType))
        object.append("resourceId", .string(action.resourceID))
        object.append("state", .string(action.state.rawValue))
        if let reason = action.reason { object.append("reason", .string(reason)) }
        object.append("attempts", .int(Int64(record.attempts)))
        if let error = record.lastError { object.append("lastError", .string(error)) }
        if !record.awsRequestIDs.isEmpty { object.append("awsRequestIds", .array(record.awsRequestIDs.map { .string($0) })) }
        if !record.createdIDs.isEmpty { object.append("createdIds", .array(record.createdIDs.map { .string($0) })) }
        object.append("updatedAt", .string(ISO8601DateFormatter().string(from: record.updatedAt)))
        return .object(object)
    }

    static func badRequest(_ message: String) -> HTTPResponse {
        json(400, .object(JSONObject([("error", .string(message))])))
    }

    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        var response = HTTPResponse(status: status, body: Array(value.serialized().utf8))
        response.headers["Content-Type"] = "application/json"
        return response
    }

    static func query(_ text: String?) -> [String: String] {
        var out: [String: String] = [:]
        for pair in (text ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            out[key] = value
        }
        return out
    }

    /// An ISO-8601 time or milliseconds since the epoch, within years 0000–9999; nil otherwise.
    static func parseTime(_ text: String) -> Date? {
        if let millis = Int64(text) {
            guard UTCTime(millisecondsSinceEpoch: millis) != nil else { return nil }
            return Date(timeIntervalSince1970: Double(millis) / 1000)
        }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
