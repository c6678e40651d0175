import Dispatch
import Glibc
import Synchronization
import Testing
@testable import FirebreakHTTP

/// A real server on an ephemeral loopback port, driven by raw sockets.
@Suite(.serialized)
struct HTTPServerTests {
    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        try withServer { server, port in
            let client = try TestClient(port: port)
            for i in 0..<3 {
                client.send(get("/n/\(i)"))
                let response = try #require(client.readResponse())
                #expect(response.status == 200)
                #expect(response.text == "GET /n/\(i)")
                #expect(response.header("Connection") == nil)
                #expect(response.header("Date")?.hasSuffix(" GMT") == true)
                #expect(response.header("Content-Length") == "\(response.body.count)")
            }
            #expect(server.activeConnections == 1)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
            let echo = try #require(client.readResponse())
            #expect(echo.text == "hello")
            #expect(echo.header("X-Method") == "POST")
            #expect(echo.header("X-Remote")?.hasPrefix("127.0.0.1:") == true)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let handler = TestHandler()
        try withServer(handler: handler) { _, port in
            let client = try TestClient(port: port)
            // The first is slowest: answers must still come back in request order.
            client.send(get("/slow?ms=150") + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                        + get("/slow?ms=10") + get("/last"))
            let first = try #require(client.readResponse())
            let second = try #require(client.readResponse())
            let third = try #require(client.readResponse())
            let fourth = try #require(client.readResponse())
            #expect(first.text == "slow /slow?ms=150")
            #expect(second.text == "abc")
            #expect(third.text == "slow /slow?ms=10")
            #expect(fourth.text == "GET /last")
            // One at a time: the handler saw them in order, never overlapping.
            #expect(handler.seen.withLock { $0 } == ["/slow?ms=150", "/echo", "/slow?ms=10", "/last"])
        }
    }

    @Test func connectionCloseFromRequestAndFromResponse() throws {
        try withServer { _, port in
            let client = try TestClient(port: port)
            client.send(get("/a", "Connection: close\r\n"))
            let response = try #require(client.readResponse())
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())

            let second = try TestClient(port: port)
            second.send(get("/close"))
            let bye = try #require(second.readResponse())
            #expect(bye.text == "bye")
            #expect(bye.header("Connection") == "close")
            #expect(second.waitForClose())
        }
    }

    @Test func http10ClosesUnlessKeepAliveAsked() throws {
        try withServer { _, port in
            let client = try TestClient(port: port)
            client.send("GET /old HTTP/1.0\r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())

            let keep = try TestClient(port: port)
            keep.send("GET /k1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = try #require(keep.readResponse())
            #expect(first.header("Connection") == "keep-alive")
            keep.send("GET /k2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(keep.readResponse()?.text == "GET /k2")
        }
    }

    @Test func headResponseHasLengthButNoBody() throws {
        var router = HTTPRouter()
        router.route("GET", "/doc") { _, respond in respond(.text(200, "twelve bytes")) }
        try withServer(handler: router) { _, port in
            let client = try TestClient(port: port)
            client.isHeadResponsePending = true
            client.send("HEAD /doc HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try #require(client.readResponse())
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "12")
            client.isHeadResponsePending = false
            client.send(get("/doc"))
            // Had the HEAD answer carried a body, this would read those bytes as a broken status line.
            #expect(client.readResponse()?.text == "twelve bytes")
        }
    }

    @Test func expect100ContinueGetsInterimResponseBeforeBody() throws {
        try withServer { _, port in
            let client = try TestClient(port: port)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = try #require(client.readResponse(timeout: .seconds(2)))
            #expect(interim.status == 100)
            client.send("data")
            let final = try #require(client.readResponse())
            #expect(final.status == 200)
            #expect(final.text == "data")
        }
    }

    @Test func bodyTooLargeAnswered413BeforeBodyWithout100() throws {
        try withServer({ $0.maxBodyBytes = 1_000 }) { _, port in
            let client = try TestClient(port: port)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\nExpect: 100-continue\r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.status == 413)  // not 100 first
            #expect(response.header("Connection") == "close")
            #expect(response.text.contains("1000"))
            #expect(client.waitForClose())

            // Chunked: refused as soon as the body passes the limit.
            let chunked = try TestClient(port: port)
            chunked.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n" + String(repeating: "x", count: 512) + "\r\n")
            chunked.send("300\r\n")
            #expect(chunked.readResponse()?.status == 413)
            #expect(chunked.waitForClose())
        }
    }

    @Test func tooManyHeadersAndTooLargeHeaderSectionAnswered431() throws {
        try withServer { _, port in
            let many = try TestClient(port: port)
            let headers = (0..<100).map { "X-H\($0): v\r\n" }.joined()  // + Host = 101
            many.send("GET / HTTP/1.1\r\nHost: t\r\n" + headers + "\r\n")
            let first = try #require(many.readResponse())
            #expect(first.status == 431)
            #expect(first.header("Connection") == "close")
            #expect(many.waitForClose())

            let large = try TestClient(port: port)
            let big = (0..<10).map { "X-Big\($0): " + String(repeating: "a", count: 7_000) + "\r\n" }.joined()
            large.send("GET / HTTP/1.1\r\nHost: t\r\n" + big + "\r\n")
            #expect(large.readResponse()?.status == 431)
            #expect(large.waitForClose())

            // 100 headers in total are fine.
            let ok = try TestClient(port: port)
            ok.send("GET / HTTP/1.1\r\nHost: t\r\n" + (0..<99).map { "X-H\($0): v\r\n" }.joined() + "\r\n")
            #expect(ok.readResponse()?.status == 200)
        }
    }

    @Test func requestLineTooLongAnswered414() throws {
        try withServer { _, port in
            let client = try TestClient(port: port)
            client.send("GET /" + String(repeating: "a", count: 9_000) + " HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(client.readResponse()?.status == 414)
            #expect(client.waitForClose())
        }
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n folded\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        ("GET / HTTP/1.1\nHost: t\n\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
    ])
    func malformedRequestsAreAnsweredAndClosed(request: String, status: Int) throws {
        try withServer { _, port in
            let client = try TestClient(port: port)
            client.send(request)
            let response = try #require(client.readResponse())
            #expect(response.status == status)
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test func errorResponderFormatsProtocolErrors() throws {
        let seen = Mutex<[String]>([])
        try withServer({ configuration in
            configuration.maxBodyBytes = 10
            configuration.errorResponder = { error, head in
                seen.withLock { $0.append(head?.path ?? "-") }
                return HTTPResponse(status: error.status, headers: ["Content-Type": "application/json"],
                                    body: Array("{\"error\":\(error.status)}".utf8))
            }
        }) { _, port in
            let client = try TestClient(port: port)
            client.send("POST /firehose?x HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n")
            let response = try #require(client.readResponse())
            #expect(response.status == 413)
            #expect(response.text == "{\"error\":413}")
            let garbage = try TestClient(port: port)
            garbage.send("NOT HTTP\r\n\r\n")
            #expect(garbage.readResponse()?.status == 400)
            #expect(seen.withLock { $0 } == ["/firehose", "-"])
        }
    }

    @Test func routerAnswers404And405WithAllow() throws {
        var router = HTTPRouter()
        router.route("POST", "/firehose") { _, respond in respond(.text(200, "ok")) }
        router.route("GET", "/healthz") { _, respond in respond(.text(200, "healthy")) }
        try withServer(handler: router) { _, port in
            let client = try TestClient(port: port)
            client.send(get("/nope"))
            #expect(client.readResponse()?.status == 404)
            client.send(get("/firehose"))
            let wrong = try #require(client.readResponse())
            #expect(wrong.status == 405)
            #expect(wrong.header("Allow") == "POST")
            client.send(get("/healthz?verbose=1"))
            #expect(client.readResponse()?.text == "healthy")
        }
    }

    @Test func headerTimeoutCutsOffSlowClient() throws {
        try withServer({ $0.headerTimeout = .milliseconds(300) }) { server, port in
            let slow = try TestClient(port: port)
            slow.send("GET / HTTP/1.1\r\nHo")  // and nothing more
            let start = ContinuousClock.now
            let response = try #require(slow.readResponse(timeout: .seconds(3)))
            #expect(response.status == 408)
            #expect(slow.waitForClose())
            #expect(ContinuousClock.now - start < .seconds(2))

            // Nothing at all sent: closed without an answer.
            let silent = try TestClient(port: port)
            #expect(silent.waitForClose(timeout: .seconds(3)))
            #expect(silent.pending.isEmpty)

            // Trickling bytes does not extend the deadline.
            let trickle = try TestClient(port: port)
            var answered = false
            for byte in "GET / HTTP/1.1\r\nHost: t\r\nX-Slow: 0123456789".utf8 {
                if !trickle.send([byte]) { break }
                if trickle.readResponse(timeout: .milliseconds(25)) != nil { answered = true; break }
            }
            #expect(answered || trickle.readResponse(timeout: .seconds(1))?.status == 408)
            slow.hangUp()
            trickle.hangUp()
            #expect(eventually { server.activeConnections == 0 })
        }
    }

    @Test func bodyTimeoutAnswers408() throws {
        try withServer({ $0.bodyTimeout = .milliseconds(300) }) { _, port in
            let client = try TestClient(port: port)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            #expect(client.readResponse(timeout: .seconds(3))?.status == 408)
            #expect(client.waitForClose())
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        try withServer({ $0.idleTimeout = .milliseconds(300) }) { server, port in
            let client = try TestClient(port: port)
            client.send(get("/x"))
            #expect(client.readResponse()?.status == 200)
            let start = ContinuousClock.now
            #expect(client.waitForClose(timeout: .seconds(3)))
            #expect(ContinuousClock.now - start >= .milliseconds(250))
            #expect(client.pending.isEmpty)  // closed silently
            #expect(eventually { server.activeConnections == 0 })
        }
    }

    @Test func ipv6LoopbackAndSeveralListenAddresses() throws {
        var configuration = HTTPServer.Configuration(listen: [
            try HTTPListenAddress.parse("127.0.0.1:0"), try HTTPListenAddress.parse("[::1]:0"),
        ])
        configuration.idleTimeout = .seconds(5)
        let server = HTTPServer(configuration: configuration, handler: TestHandler())
        try server.start()
        defer { server.shutdown(drainTimeout: .milliseconds(100)) { _ in } }
        let bound = server.boundAddresses
        #expect(bound.count == 2)
        #expect(bound.allSatisfy { $0.port != 0 && $0.isLoopback })
        #expect(bound[1].description.hasPrefix("[::1]:"))

        let v6 = try TestClient(port: bound[1].port, ipv6: true)
        v6.send("POST /echo HTTP/1.1\r\nHost: [::1]\r\nContent-Length: 2\r\n\r\nv6")
        let response = try #require(v6.readResponse())
        #expect(response.text == "v6")
        #expect(response.header("X-Remote")?.hasPrefix("[::1]:") == true)

        let v4 = try TestClient(port: bound[0].port)
        v4.send(get("/v4"))
        #expect(v4.readResponse()?.text == "GET /v4")

        #expect(throws: HTTPServerError.self) { try server.start() }
    }

    @Test func bindFailureIsReported() throws {
        try withServer { server, port in
            let other = HTTPServer(configuration: HTTPServer.Configuration(listen: [HTTPListenAddress(host: "127.0.0.1", port: port)]),
                                   handler: TestHandler())
            do throws(HTTPServerError) {
                try other.start()
                Issue.record("second bind to the same port succeeded")
            } catch {
                guard case .bind(_, let code, _) = error else { Issue.record("unexpected \(error)"); return }
                #expect(code == EADDRINUSE)
                #expect(error.description.contains("another process"))
            }
        }
    }

    @Test func sixteenConcurrentClients() throws {
        try withServer { server, port in
            let failures = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: 16) { i in
                do {
                    let client = try TestClient(port: port)
                    for j in 0..<5 {
                        let body = "client \(i) request \(j)"
                        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                        if client.readResponse()?.text != body { failures.withLock { $0 += 1 } }
                    }
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
            #expect(failures.withLock { $0 } == 0)
            #expect(eventually { server.inFlightRequests == 0 })
        }
    }

    @Test func manyPipelinedRequestsPassTheBufferBoundAndAllAreAnswered() throws {
        try withServer { _, port in
            let client = try TestClient(port: port)
            // ~120 KiB of requests: more than the server buffers while handling (it pauses reading meanwhile).
            let count = 3_000
            let sender = DispatchQueue(label: "sender")
            let batch = (0..<count).map { get("/p/\($0)") }.joined()
            let fd = client.fd
            sender.async {  // send while the answers are read, so neither side's buffers can fill up
                let bytes = Array(batch.utf8)
                var offset = 0
                while offset < bytes.count {
                    let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
                    if n <= 0 { return }
                    offset += n
                }
            }
            var answered = 0
            while answered < count, let response = client.readResponse() {
                guard response.text == "GET /p/\(answered)" else { break }
                answered += 1
            }
            #expect(answered == count)
            sender.sync {}  // the sender is done with the descriptor before the client closes it
        }
    }

    @Test func stalledResponseWriteIsCutOffAfterWriteTimeout() throws {
        let big = [UInt8](repeating: 0x62, count: 32 << 20)
        var router = HTTPRouter()
        router.route("GET", "/big") { _, respond in respond(HTTPResponse(status: 200, body: big)) }
        try withServer({ $0.writeTimeout = .milliseconds(300) }, handler: router) { server, port in
            let client = try TestClient(port: port)
            client.send(get("/big"))
            #expect(eventually { server.inFlightRequests == 0 })
            // The client never reads: the write stalls and the connection is closed.
            #expect(eventually(timeout: .seconds(5)) { server.activeConnections == 0 })
        }
    }

    @Test func connectionsBeyondTheLimitAreRefusedWhenNoneIsIdle() throws {
        try withServer({ $0.maxConnections = 2 }) { server, port in
            // Two requests in progress (heads not yet complete): neither connection is idle.
            let a = try TestClient(port: port)
            let b = try TestClient(port: port)
            a.send(Array("GET /a HTTP/1.1\r\n".utf8))
            b.send(Array("GET /b HTTP/1.1\r\n".utf8))
            #expect(eventually { server.activeConnections == 2 })
            usleep(100_000)
            let c = try TestClient(port: port)
            c.send(get("/c"))
            let answer = c.readResponse(timeout: .seconds(2))
            #expect(answer == nil || answer?.status == 503)
            #expect(c.waitForClose())
            #expect(server.connectionsRefused == 1)
            a.send(Array("Host: t\r\n\r\n".utf8))
            b.send(Array("Host: t\r\n\r\n".utf8))
            #expect(a.readResponse()?.status == 200)
            #expect(b.readResponse()?.status == 200)
        }
    }

    @Test(arguments: [(2, 100), (100, 2)])
    func theLongestIdleConnectionMakesRoomAtACap(maxConnections: Int, perAddress: Int) throws {
        try withServer({ $0.maxConnections = maxConnections; $0.maxConnectionsPerAddress = perAddress }) { server, port in
            let a = try TestClient(port: port)
            a.send(get("/a"))
            #expect(a.readResponse()?.status == 200)
            usleep(20_000)
            let b = try TestClient(port: port)
            b.send(get("/b"))
            #expect(b.readResponse()?.status == 200)
            // Both idle now (keep-alive): the new connection closes the one idle longest, a.
            let c = try TestClient(port: port)
            c.send(get("/c"))
            #expect(c.readResponse()?.status == 200)
            #expect(a.waitForClose())
            #expect(server.idleConnectionsClosed == 1)
            b.send(get("/b2"))
            #expect(b.readResponse()?.status == 200)
        }
    }

    @Test func countersTrackConnectionsAndInFlightRequests() throws {
        try withServer { server, port in
            #expect(server.activeConnections == 0)
            let client = try TestClient(port: port)
            client.send(get("/slow?ms=400"))
            #expect(eventually { server.inFlightRequests == 1 })
            #expect(server.activeConnections == 1)
            #expect(client.readResponse()?.status == 200)
            #expect(eventually { server.inFlightRequests == 0 })
        }
    }

    @Test func shutdownDrainsInFlightRequestsAndRefusesNewConnections() throws {
        let server = HTTPServer(configuration: HTTPServer.Configuration(listen: [HTTPListenAddress(host: "127.0.0.1", port: 0)]),
                                handler: TestHandler())
        try server.start()
        let port = server.boundAddresses[0].port
        let idle = try TestClient(port: port)
        idle.send(get("/first"))
        #expect(idle.readResponse()?.status == 200)
        let busy = try TestClient(port: port)
        busy.send(get("/slow?ms=400"))
        #expect(eventually { server.inFlightRequests == 1 })

        let result = Mutex<Bool?>(nil)
        server.shutdown(drainTimeout: .seconds(5)) { drained in result.withLock { $0 = drained } }

        // The idle keep-alive connection is closed at once.
        #expect(idle.waitForClose(timeout: .seconds(2)))
        // New connections are refused once the listener is closed.
        #expect(eventually {
            guard let late = try? TestClient(port: port) else { return true }
            late.send(get("/late"))
            return late.readResponse(timeout: .milliseconds(200)) == nil
        })
        #expect(result.withLock { $0 } == nil)  // still draining
        // The in-flight request completes, with Connection: close.
        let response = try #require(busy.readResponse())
        #expect(response.text == "slow /slow?ms=400")
        #expect(response.header("Connection") == "close")
        #expect(busy.waitForClose())
        #expect(eventually { result.withLock { $0 } == true })
        #expect(server.activeConnections == 0)
    }

    /// Once `stopAdmitting` returned (the service then logs "draining"), a new connection is never served, even before
    /// the listener closes; connections already open still are.
    @Test func afterStopAdmittingNewConnectionsAreClosedUnanswered() throws {
        try withServer { server, port in
            let open = try TestClient(port: port)
            open.send(get("/before"))
            #expect(open.readResponse()?.status == 200)
            server.stopAdmitting()
            for _ in 0..<5 {
                let late = try TestClient(port: port)  // the listener is still open: the kernel completes the handshake
                late.send(get("/late"))
                #expect(late.readResponse(timeout: .seconds(2)) == nil)
            }
            open.send(get("/after"))
            #expect(open.readResponse()?.text == "GET /after")
        }
    }

    @Test func shutdownDrainTimeoutForceClosesAndReportsFalse() throws {
        let server = HTTPServer(configuration: HTTPServer.Configuration(listen: [HTTPListenAddress(host: "127.0.0.1", port: 0)]),
                                handler: TestHandler())
        try server.start()
        let client = try TestClient(port: server.boundAddresses[0].port)
        client.send(get("/never"))
        #expect(eventually { server.inFlightRequests == 1 })
        let result = Mutex<Bool?>(nil)
        server.shutdown(drainTimeout: .milliseconds(300)) { drained in result.withLock { $0 = drained } }
        #expect(eventually { result.withLock { $0 } != nil })
        #expect(result.withLock { $0 } == false)
        #expect(client.waitForClose(timeout: .seconds(1)))
        #expect(server.activeConnections == 0)
        #expect(server.inFlightRequests == 0)

        // A second shutdown after stopping completes at once.
        let again = Mutex<Bool?>(nil)
        server.shutdown(drainTimeout: .seconds(1)) { drained in again.withLock { $0 = drained } }
        #expect(eventually { again.withLock { $0 } == true })
    }
}
