import Testing
@testable import FirebreakAWS

@Suite struct AWSErrorDecodingTests {
    private func query(_ status: Int, _ body: String, headers: [(name: String, value: String)] = []) -> AWSError {
        QueryErrorDecoder.decode(AWSHTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
    }

    private func ec2Error(_ code: String, _ message: String = "m") -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>\(code)</Code>"
            + "<Message>\(message)</Message></Error></Errors><RequestID>req-1</RequestID></Response>"
    }

    @Test func ec2Shape() {
        let error = query(400, ec2Error("InvalidInstanceID.NotFound", "The instance ID 'i-1' does not exist"))
        #expect(error == AWSError(.notFound, code: "InvalidInstanceID.NotFound",
                                  message: "The instance ID 'i-1' does not exist", requestID: "req-1", status: 400))
    }

    @Test func snsShapeWithMotoDuplicateMessage() {
        let error = query(404, """
            <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>
            <Code>NotFound</Code><Message>Topic does not exist</Message><message>Topic does not exist</message>
            </Error><RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId></ErrorResponse>
            """)
        #expect(error == AWSError(.notFound, code: "NotFound", message: "Topic does not exist",
                                  requestID: "9dd01905-5012-5f99-8663-4b3ecd0dfaef", status: 404))
    }

    @Test func motoAuthFailureShape() {
        let error = query(401, """
            <?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Errors><Error><Type>Sender</Type>
            <Code>AuthFailure</Code><Message>AWS was not able to validate the provided access credentials</Message>
            </Error></Errors><RequestId>r-9</RequestId></ErrorResponse>
            """)
        #expect(error.kind == .accessDenied)
        #expect(error.code == "AuthFailure")
        #expect(error.requestID == "r-9")
        #expect(error.status == 401)
    }

    @Test func codesMapToKinds() {
        let cases: [(String, Int, AWSError.Kind)] = [
            ("RequestLimitExceeded", 503, .throttled), ("Throttling", 400, .throttled),
            ("ThrottlingException", 400, .throttled), ("Throttled", 400, .throttled),
            ("UnauthorizedOperation", 403, .accessDenied), ("AccessDenied", 403, .accessDenied),
            ("AuthorizationError", 403, .accessDenied), ("AuthFailure", 401, .accessDenied),
            ("SignatureDoesNotMatch", 403, .accessDenied), ("InvalidClientTokenId", 403, .accessDenied),
            ("InvalidGroup.NotFound", 400, .notFound), ("NotFound", 404, .notFound),
            ("TrailNotFoundException", 400, .notFound), ("DryRunOperation", 412, .dryRunSucceeded),
            ("InvalidParameterValue", 400, .invalidParameter), ("InvalidParameter", 400, .invalidParameter),
            ("InvalidParameterCombination", 400, .invalidParameter), ("MissingParameter", 400, .invalidParameter),
            ("ValidationError", 400, .invalidParameter), ("InternalError", 500, .server),
            ("Unavailable", 503, .server), ("IncorrectInstanceState", 400, .client),
            ("SomethingNew", 503, .server), ("SomethingNew", 429, .throttled), ("SomethingNew", 403, .accessDenied),
            ("SomethingNew", 401, .accessDenied), ("SomethingNew", 404, .notFound), ("SomethingNew", 409, .client),
        ]
        for (code, status, kind) in cases {
            #expect(query(status, ec2Error(code)).kind == kind, "\(code) \(status)")
        }
    }

    @Test func unreadableBodiesFallBackToTheStatus() {
        let html = query(500, "<html><body><h1>Internal Server Error</h1>", headers: [("x-amzn-RequestId", "h-1")])
        #expect(html.kind == .server)
        #expect(html.code == nil)
        #expect(html.requestID == "h-1")
        #expect(html.message.contains("HTTP 500"))
        #expect(query(429, "").kind == .throttled)
        #expect(query(403, "").kind == .accessDenied)
        #expect(query(400, "<Other/>").kind == .client)
    }

    @Test func longMessagesAreCut() {
        let error = query(400, ec2Error("InvalidParameterValue", String(repeating: "x", count: 5000)))
        #expect(error.message.count <= 1025)
    }

    @Test func jsonErrors() {
        func json(_ status: Int, _ body: String, _ headers: [(name: String, value: String)] = []) -> AWSError {
            JSONErrorDecoder.decode(AWSHTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
        }
        let notFound = json(400, #"{"__type":"com.amazonaws.cloudtrail.v20131101#TrailNotFoundException","message":"Unknown trail"}"#,
                            [("x-amzn-RequestId", "j-1")])
        #expect(notFound == AWSError(.notFound, code: "TrailNotFoundException", message: "Unknown trail",
                                     requestID: "j-1", status: 400))
        #expect(json(400, #"{"__type":"ThrottlingException","Message":"slow down"}"#).kind == .throttled)
        #expect(json(400, #"{"__type":"InvalidParameterCombinationException"}"#).kind == .invalidParameter)
        let fromHeader = json(400, "{}", [("X-Amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/")])
        #expect(fromHeader.code == "AccessDeniedException")
        #expect(fromHeader.kind == .accessDenied)
        #expect(json(503, "").kind == .server)
        #expect(json(400, #"{"__type":"aws.protocoltests#ComplexError:http://x"}"#).code == "ComplexError")
    }
}
