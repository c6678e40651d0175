import Foundation

/// Turns a non-2xx AWS JSON 1.0/1.1 or REST-JSON response into an `AWSError`.
///
/// The code comes from `__type` (or `code`, or REST-JSON's `Code`) in the body, else the `X-Amzn-ErrorType` header,
/// with any namespace (`com.amazonaws.cloudtrail.v20131101#`) and suffix after `:` removed.
public enum JSONErrorDecoder {
    public static func decode(_ response: AWSHTTPResponse) -> AWSError {
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        let rawCode = (object?["__type"] as? String) ?? (object?["code"] as? String)
            ?? (object?["Code"] as? String) ?? response.header("X-Amzn-ErrorType")
        let message = (object?["message"] as? String) ?? (object?["Message"] as? String)
            ?? (object == nil ? "HTTP \(response.status) (\(response.body.count)-byte body)" : nil)
        let requestID = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
        return AWSError(serviceCode: rawCode.flatMap(sanitize), message: message, requestID: requestID,
                        status: response.status)
    }

    /// `aws.protocoltests#FooError:http://…` → `FooError`.
    static func sanitize(_ code: String) -> String? {
        var text = Substring(code)
        if let colon = text.firstIndex(of: ":") { text = text[..<colon] }
        if let hash = text.lastIndex(of: "#") { text = text[text.index(after: hash)...] }
        let result = String(text).trimmingCharacters(in: .whitespacesAndNewlines)
        return result.isEmpty ? nil : result
    }
}
