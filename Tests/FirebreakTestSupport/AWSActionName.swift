import Foundation

/// The AWS operation a request calls: the operation of `X-Amz-Target` (`AmazonSQS.ReceiveMessage` gives
/// `ReceiveMessage`) for JSON protocols, else `Action` of the form body or of the query string (Query protocol).
enum AWSActionName {
    static func of(_ request: HTTPWireMessage) -> String? {
        if let target = request.header("X-Amz-Target"), !target.isEmpty {
            return target.split(separator: ".").last.map(String.init) ?? target
        }
        if request.header("Content-Type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true,
           let action = formValue("Action", in: String(decoding: request.body, as: UTF8.self)) {
            return action
        }
        if let query = request.target.split(separator: "?", maxSplits: 1).dropFirst().first {
            return formValue("Action", in: String(query))
        }
        return nil
    }

    /// The first value of `name` in `a=1&b=2` (`+` as space, percent-decoded).
    static func formValue(_ name: String, in form: String) -> String? {
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }
}
