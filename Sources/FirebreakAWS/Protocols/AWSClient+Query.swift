extension AWSClient {
    /// Sends a Query request (form body) and returns the root of its XML response
    /// (`<ActionResponse>`); errors in any of the Query error shapes are thrown as `AWSError`.
    public func query(_ request: QueryRequest) throws(AWSError) -> AWSXMLElement {
        let response = try post(
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(request.body.utf8), changesAccount: request.changesAccount, decodeError: QueryErrorDecoder.decode)
        guard let root = AWSXMLParser.parse(response.body) else {
            throw AWSError(.server, code: "MalformedResponse",
                           message: "\(request.action) answered HTTP \(response.status) with a body that is not XML"
                               + " (\(response.body.count) bytes)",
                           requestID: response.header("x-amzn-RequestId"), status: response.status)
        }
        return root
    }
}
