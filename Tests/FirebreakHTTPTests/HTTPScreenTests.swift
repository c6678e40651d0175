import Dispatch
import Glibc
import Synchronization
import Testing
@testable import FirebreakHTTP

/// Requests refused from their head alone: the body is never read or buffered.
@Suite(.serialized)
struct HTTPScreenTests {
    /// Refuses POSTs without `X-Token: ok`; counts the requests that reached `handle`.
    final class GuardedHandler: HTTPHandler {
        let handled = Mutex(0)

        func screen(_ head: HTTPRequestHead) -> HTTPResponse? {
            head.headers["X-Token"] == "ok" ? nil : .text(401, "no token\n")
        }

        func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) {
            handled.withLock { $0 += 1 }
            respond(.text(200, "got \(request.body.count)"))
        }
    }

    @Test func refusedBeforeTheBodyIsRead() throws {
        let handler = GuardedHandler()
        var router = HTTPRouter()
        router.route("POST", "/in", to: handler)
        try withServer(handler: router) { _, port in
            // A 50 MB body is announced and never sent: the answer must not wait for it.
            let client = try TestClient(port: port)
            // 10 s only waits out a loaded machine: a server that waited for the body would not answer before its 60 s body timeout.
            client.send("POST /in HTTP/1.1\r\nHost: t\r\nContent-Length: 50000000\r\n\r\n")
            let response = try #require(client.readResponse(timeout: .seconds(10)))
            #expect(response.status == 401)
            #expect(response.header("Connection") == "close")
            #expect(handler.handled.withLock { $0 } == 0)

            // 100-continue: the refusal replaces the 100, so a polite client never sends the body.
            let polite = try TestClient(port: port)
            polite.send("POST /in HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n")
            let refused = try #require(polite.readResponse(timeout: .seconds(10)))
            #expect(refused.status == 401)

            // The accepted request is handled as usual, on a connection that stays open.
            let good = try TestClient(port: port)
            good.send("POST /in HTTP/1.1\r\nHost: t\r\nX-Token: ok\r\nContent-Length: 3\r\n\r\nabc")
            let ok = try #require(good.readResponse())
            #expect(ok.status == 200)
            #expect(ok.text == "got 3")
            #expect(ok.header("Connection") == nil)
            #expect(handler.handled.withLock { $0 } == 1)
        }
    }

    @Test func unknownPathAndMethodWithBodyAreRefusedFromTheHead() throws {
        var router = HTTPRouter()
        router.route("POST", "/in", to: GuardedHandler())
        try withServer(handler: router) { _, port in
            let client = try TestClient(port: port)
            client.send("POST /elsewhere HTTP/1.1\r\nHost: t\r\nContent-Length: 50000000\r\n\r\n")
            #expect(try #require(client.readResponse(timeout: .seconds(10))).status == 404)
            let other = try TestClient(port: port)
            other.send("PUT /in HTTP/1.1\r\nHost: t\r\nContent-Length: 50000000\r\n\r\n")
            let response = try #require(other.readResponse(timeout: .seconds(10)))
            #expect(response.status == 405)
            #expect(response.header("Allow") == "POST")
        }
    }
}
