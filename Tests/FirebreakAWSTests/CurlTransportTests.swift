import Dispatch
import FirebreakHTTP
import Foundation
import Testing
@testable import FirebreakAWS

@Suite struct CurlTransportTests {
    /// Echoes the method, a header and the body; answers with a custom header.
    static func echoServer(remotes: Recorder<String>? = nil) throws -> LoopbackServer {
        try LoopbackServer { router in
            for method in ["GET", "POST", "PUT", "DELETE"] {
                router.route(method, "/echo", body: .upTo(Int.max)) { request, respond in   // an echo takes a body on every method
                    remotes?.append(request.remoteAddress)
                    let summary = "\(request.method) \(request.target) x-test=\(request.headers["X-Test"] ?? "-") "
                        + "ct=\(request.headers["Content-Type"] ?? "-") expect=\(request.headers["Expect"] ?? "-") body="
                    var response = HTTPResponse(status: 201, body: Array(summary.utf8) + request.body)
                    response.headers.add("X-Reply", "yes")
                    response.headers.add("X-Multi", "1")
                    response.headers.add("X-Multi", "2")
                    respond(response)
                }
            }
        }
    }

    @Test(arguments: ["GET", "POST", "PUT", "DELETE"])
    func roundTrip(method: String) throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let body: [UInt8] = method == "GET" ? [] : Array("Action=Test&Value=\(method)".utf8)
        let request = AWSHTTPRequest(method: method, url: server.url("/echo?a=1"), headers: [("X-Test", "hello")], body: body)
        let response = try transport.send(request, timeouts: AWSTimeouts())
        #expect(response.status == 201)
        #expect(response.header("x-reply") == "yes")
        #expect(response.headers.filter { $0.name.lowercased() == "x-multi" }.map(\.value) == ["1", "2"])
        let text = String(decoding: response.body, as: UTF8.self)
        // No Content-Type or Expect added by curl: only what was signed goes out.
        #expect(text == "\(method) /echo?a=1 x-test=hello ct=- expect=- body=" + String(decoding: body, as: UTF8.self))
    }

    @Test func largeBodyAndContentTypeAsGiven() throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)
        let request = AWSHTTPRequest(method: "POST", url: server.url("/echo"),
                                     headers: [("Content-Type", "application/x-amz-json-1.1")], body: body)
        let response = try CurlTransport().send(request, timeouts: AWSTimeouts())
        #expect(response.status == 201)
        let prefix = "POST /echo x-test=- ct=application/x-amz-json-1.1 expect=- body="
        #expect(response.body.count == prefix.utf8.count + body.count)
        #expect(Array(response.body.prefix(prefix.utf8.count)) == Array(prefix.utf8))
    }

    @Test func keepAliveReusesTheConnection() throws {
        let remotes = Recorder<String>()
        let server = try Self.echoServer(remotes: remotes)
        defer { server.stop() }
        let transport = CurlTransport()
        for i in 0..<5 {
            let request = AWSHTTPRequest(method: i % 2 == 0 ? "GET" : "POST", url: server.url("/echo"), body: i % 2 == 0 ? [] : [1, 2])
            #expect(try transport.send(request, timeouts: AWSTimeouts()).status == 201)
        }
        #expect(remotes.count == 5)
        #expect(Set(remotes.all).count == 1, "one connection for five requests: \(remotes.all)")
        #expect(server.server.activeConnections == 1)
        #expect(transport.idleHandleCount == 1)
    }

    @Test func concurrentRequestsAndBoundedPool() throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let transport = CurlTransport(maxIdleHandles: 2)
        let failures = Recorder<String>()
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let request = AWSHTTPRequest(method: "POST", url: server.url("/echo"), body: Array("n=\(i)".utf8))
            do {
                let response = try transport.send(request, timeouts: AWSTimeouts())
                if !String(decoding: response.body, as: UTF8.self).hasSuffix("body=n=\(i)") { failures.append("wrong body \(i)") }
            } catch {
                failures.append("\(error)")
            }
        }
        #expect(failures.all.isEmpty)
        #expect(transport.idleHandleCount <= 2)
    }

    @Test func totalTimeoutAgainstAServerThatNeverAnswers() throws {
        let server = try LoopbackServer { router in
            router.route("GET", "/hang") { _, _ in }  // never responds
        }
        defer { server.stop() }
        let start = ContinuousClock.now
        let error = #expect(throws: AWSError.self) {
            try CurlTransport().send(AWSHTTPRequest(method: "GET", url: server.url("/hang")),
                                     timeouts: AWSTimeouts(connect: .seconds(1), total: .milliseconds(300)))
        }
        let elapsed = ContinuousClock.now - start
        #expect(error?.kind == .transport)
        #expect(error?.isRetryable == true)
        #expect(error?.message.contains("curl error 28") == true)
        #expect(error?.message.contains("GET http://127.0.0.1:\(server.port)/hang") == true)
        #expect(elapsed < .seconds(2))
        // The request reached the server: a call that changes the account must not be repeated blindly.
        #expect(error?.requestNotSent == false)
        #expect(error?.isRetryable(changesAccount: true) == false)
    }

    @Test func connectionRefused() throws {
        let port = closedLoopbackPort()
        let error = #expect(throws: AWSError.self) {
            try CurlTransport().send(AWSHTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:\(port)/echo")!),
                                     timeouts: AWSTimeouts(connect: .seconds(1), total: .seconds(2)))
        }
        #expect(error?.kind == .transport)
        #expect(error?.message.contains("curl error 7") == true, "\(String(describing: error))")
        // Nothing was sent: even a call that changes the account may be repeated.
        #expect(error?.requestNotSent == true)
        #expect(error?.isRetryable(changesAccount: true) == true)
    }

    @Test func responseCap() throws {
        let server = try LoopbackServer { router in
            router.route("GET", "/big") { _, respond in
                respond(HTTPResponse(status: 200, body: [UInt8](repeating: 65, count: 10_000)))
            }
        }
        defer { server.stop() }
        let transport = CurlTransport()
        let error = #expect(throws: AWSError.self) {
            try transport.send(AWSHTTPRequest(method: "GET", url: server.url("/big")),
                               timeouts: AWSTimeouts(maxResponseBytes: 1_000))
        }
        #expect(error?.kind == .transport)
        #expect(error?.message.contains("exceeds the 1000-byte limit") == true)
        // Exactly at the limit is fine.
        let response = try transport.send(AWSHTTPRequest(method: "GET", url: server.url("/big")),
                                          timeouts: AWSTimeouts(maxResponseBytes: 10_000))
        #expect(response.body.count == 10_000)
    }

    @Test func nonSuccessStatusesAreResponsesNotErrors() throws {
        let server = try LoopbackServer { router in
            router.route("GET", "/redirect") { _, respond in
                respond(HTTPResponse(status: 302, headers: ["Location": "/elsewhere"]))
            }
        }
        defer { server.stop() }
        let transport = CurlTransport()
        let redirect = try transport.send(AWSHTTPRequest(method: "GET", url: server.url("/redirect")), timeouts: AWSTimeouts())
        #expect(redirect.status == 302)  // not followed
        #expect(redirect.header("Location") == "/elsewhere")
        let missing = try transport.send(AWSHTTPRequest(method: "GET", url: server.url("/missing")), timeouts: AWSTimeouts())
        #expect(missing.status == 404)
    }

    @Test func refusesHeaderInjectionAndOtherSchemes() {
        let transport = CurlTransport()
        let injected = #expect(throws: AWSError.self) {
            try transport.send(AWSHTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:1/")!,
                                              headers: [("X-Amz-Security-Token", "secret\r\nX-Evil: 1")]),
                               timeouts: AWSTimeouts())
        }
        #expect(injected?.kind == .client)
        #expect(injected?.message.contains("secret") == false)
        let file = #expect(throws: AWSError.self) {
            try transport.send(AWSHTTPRequest(method: "GET", url: URL(string: "file:///etc/passwd")!), timeouts: AWSTimeouts())
        }
        #expect(file?.kind == .client)
    }

    @Test func localHostsBypassProxies() {
        for host in ["127.0.0.1", "localhost", "::1", "[::1]", "169.254.169.254", "169.254.170.2", "[fd00:ec2::254]"] {
            #expect(CurlEasyHandle.isLocal(host: host), "\(host)")
        }
        for host in ["ec2.us-east-1.amazonaws.com", "10.0.0.1", "fd00::1"] {
            #expect(!CurlEasyHandle.isLocal(host: host), "\(host)")
        }
    }

    @Test func timeoutConversion() {
        #expect(CurlEasyHandle.milliseconds(.seconds(3)) == 3_000)
        #expect(CurlEasyHandle.milliseconds(.milliseconds(250)) == 250)
        #expect(CurlEasyHandle.milliseconds(.zero) == 1)
        #expect(CurlEasyHandle.milliseconds(.microseconds(10)) == 1)
    }
}
