extension AWSClient {
    /// Sends a Query request (form body) and returns the root of its XML response
    /// (`<ActionResponse>`); errors in any of the Query error shapes are thrown as `AWSError`.
    /// `readOnly` (by default from the action, `QueryRequest.changesAccount`) decides the retries; `signed: false`
    /// sends the call anonymously.
    public func query(_ request: QueryRequest, readOnly: Bool? = nil, signed: Bool = true) throws(AWSError) -> AWSXMLElement {
        let response = try post(
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(request.body.utf8), changesAccount: readOnly.map { !$0 } ?? request.changesAccount,
            signed: signed, decodeError: QueryErrorDecoder.decode)
        guard let root = AWSXMLParser.parse(response.body) else {
            throw AWSError(.server, code: "MalformedResponse",
                           message: "\(request.action) answered HTTP \(response.status) with a body that is not XML"
                               + " (\(response.body.count) bytes)",
                           requestID: response.header("x-amzn-RequestId"), status: response.status)
        }
        return root
    }
}
