import Foundation
import Synchronization
@testable import FirebreakAWS

/// Fixed keys.
struct StaticCredentials: CredentialProvider {
    var value: AWSCredentials
    init(_ accessKeyID: String = "AKIDEXAMPLE", _ secret: String = "secret") {
        value = AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret)
    }
    init(_ value: AWSCredentials) { self.value = value }
    func credentials() throws(AWSError) -> AWSCredentials { value }
}

/// Answers from a script (one entry per attempt; the last repeats) and records what it was sent.
final class ScriptedTransport: AWSTransport {
    enum Step: Sendable {
        case respond(Int, String, [(name: String, value: String)] = [])
        case fail(AWSError)
    }

    private let state: Mutex<(script: [Step], sent: [AWSHTTPRequest], timeouts: [AWSTimeouts])>

    init(_ script: [Step]) { state = Mutex((script, [], [])) }

    var sent: [AWSHTTPRequest] { state.withLock { $0.sent } }
    var timeouts: [AWSTimeouts] { state.withLock { $0.timeouts } }

    func send(_ request: AWSHTTPRequest, timeouts: AWSTimeouts) throws(AWSError) -> AWSHTTPResponse {
        let step = state.withLock { state -> Step in
            state.sent.append(request)
            state.timeouts.append(timeouts)
            return state.script.count > 1 ? state.script.removeFirst() : state.script[0]
        }
        switch step {
        case let .respond(status, body, headers):
            return AWSHTTPResponse(status: status, headers: headers, body: Array(body.utf8))
        case let .fail(error):
            throw error
        }
    }
}

func makeClient(_ transport: any AWSTransport, service: String = "ec2", retry: RetryPolicy = RetryPolicy(
    baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))) -> AWSClient {
    AWSClient(endpoint: URL(string: "http://127.0.0.1:1/")!, region: "us-east-1", signingName: service,
              credentials: StaticCredentials(), transport: transport, retryPolicy: retry)
}

/// An EC2 error body.
func ec2ErrorXML(_ code: String, _ message: String = "message") -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>\(code)</Code><Message>\(message)"
        + "</Message></Error></Errors><RequestID>req-1</RequestID></Response>"
}

/// An EC2 success body: `<ActionResponse xmlns=…>inner<requestId/></ActionResponse>`.
func ec2XML(_ action: String, _ inner: String) -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(action)Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
        + "<requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>\(inner)</\(action)Response>"
}
