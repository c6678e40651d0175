import FirebreakHTTP
import Foundation

/// Builds the answers the Firehose HTTP endpoint contract requires:
/// `Content-Type: application/json`, no `Content-Encoding`, and exactly
/// `{"requestId": <echo>, "timestamp": <ms number>}`, plus `errorMessage` on failure.
public enum FirehoseResponse {
    /// Firehose rejects longer error messages.
    static let maxErrorMessage = 8192

    public static func make(status: Int, requestID: String, errorMessage: String? = nil,
                            now: Date = Date()) -> HTTPResponse {
        let millis = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        var json = "{\"requestId\":" + jsonString(requestID) + ",\"timestamp\":" + String(millis)
        if let errorMessage {
            json += ",\"errorMessage\":" + jsonString(String(errorMessage.prefix(maxErrorMessage)))
        }
        json += "}"
        var headers = HTTPHeaders()
        headers["Content-Type"] = "application/json"
        return HTTPResponse(status: status, headers: headers, body: Array(json.utf8))
    }

    public static func failure(_ error: FirehoseRequestError, requestID: String, retryAfter: Int? = nil) -> HTTPResponse {
        var response = make(status: error.status, requestID: requestID, errorMessage: error.message)
        if let retryAfter, error.status == 503 { response.headers["Retry-After"] = String(retryAfter) }
        return response
    }

    /// A JSON string literal with every character JSON requires escaped.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
