import Foundation

extension AWSClient {
    /// Calls an AWS REST-JSON operation (Security Hub): `method` to `path` under the endpoint's own path, with
    /// `body` as `Content-Type: application/json`; returns the 2xx response. A call that `changesAccount` is sent on
    /// a fresh connection and retried only when AWS certainly did not carry it out (see `send`).
    public func restJSON(method: String = "POST", path: String, body: [UInt8], changesAccount: Bool,
                         decodeError: (AWSHTTPResponse) -> AWSError = JSONErrorDecoder.decode) throws(AWSError) -> AWSHTTPResponse {
        var request = AWSHTTPRequest(method: method, url: try url(path: path),
                                     headers: [("Content-Type", "application/json")], body: body)
        request.freshConnection = changesAccount
        return try send(request, changesAccount: changesAccount, decodeError: decodeError)
    }

    /// The endpoint with `path` (percent-encoded, starting with `/`) after its own path:
    /// `http://127.0.0.1:5000/` and `/findings/import` give `http://127.0.0.1:5000/findings/import`; a base path
    /// (`https://proxy/securityhub/`) is kept in front.
    public func url(path: String) throws(AWSError) -> URL {
        guard path.hasPrefix("/") else {
            throw AWSError(.invalidParameter, message: "the request path \"\(path)\" does not start with /")
        }
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + path) else {
            throw AWSError(.invalidParameter, message: "the request path \"\(path)\" does not form a URL with the endpoint")
        }
        return url
    }
}
