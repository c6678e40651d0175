import Dispatch
import Foundation
import Synchronization
import Testing
@testable import FirebreakHTTP

/// Limits that keep what a client sends from exhausting the server: routes refuse bodies they do not take, a
/// budget bounds the bodies held at once, and a body must keep arriving.
@Suite struct FrontDoorLimitTests {
    static func head(_ method: String, _ path: String, _ framing: String) -> [UInt8] {
        Array("\(method) \(path) HTTP/1.1\r\nHost: t\r\n\(framing)\r\n".utf8)
    }

    @Test func routesRefuseBodiesTheyDoNotDeclare() throws {
        var router = HTTPRouter()
        router.route("GET", "/plain") { _, respond in respond(.text(200, "ok")) }
        router.route("POST", "/small", body: .upTo(10)) { request, respond in respond(.text(200, "\(request.body.count)")) }
        router.route("POST", "/default") { request, respond in respond(.text(200, "\(request.body.count)")) }
        try withServer(handler: router) { server, port in
            for (method, path, framing) in [("GET", "/plain", "Content-Length: 5\r\n"), ("GET", "/plain", "Transfer-Encoding: chunked\r\n"),
                                            ("POST", "/small", "Content-Length: 11\r\n"), ("GET", "/nowhere", "Content-Length: 5\r\n")] {
                let client = try TestClient(port: port)
                client.send(Self.head(method, path, framing))   // the head only: the answer must not wait for the body
                let response = client.readResponse(timeout: .seconds(2))
                #expect([404, 413].contains(response?.status ?? 0), "\(method) \(path) \(framing)")
                #expect(client.waitForClose())
            }
            let ok = try TestClient(port: port)
            ok.send(Self.head("POST", "/small", "Content-Length: 10\r\n") + Array("0123456789".utf8))
            #expect(ok.readResponse()?.text == "10")
            ok.send(Self.head("POST", "/default", "Content-Length: 3\r\n") + Array("abc".utf8))
            #expect(ok.readResponse()?.text == "3")
            ok.send(Self.head("GET", "/plain", "Content-Length: 0\r\n"))
            #expect(ok.readResponse()?.status == 200)
            #expect(server.bufferedBodyBytes == 0)
        }
    }

    @Test func theBodyBudgetRefusesBeforeReadingAndIsGivenBack() throws {
        let handler = TestHandler()
        try withServer({ $0.maxBufferedBodyBytes = 1000; $0.retryAfterSeconds = 7 }, handler: handler) { server, port in
            // 600 bytes announced and half sent: the reservation is held while the body is read.
            let first = try TestClient(port: port)
            first.send(Self.head("POST", "/echo", "Content-Length: 600\r\n") + [UInt8](repeating: 0x61, count: 300))
            #expect(eventually { server.bufferedBodyBytes == 600 })
            // 500 more would pass 1000: refused from the head, with Retry-After, and closed.
            let second = try TestClient(port: port)
            second.send(Self.head("POST", "/echo", "Content-Length: 500\r\n"))
            let refused = second.readResponse(timeout: .seconds(2))
            #expect(refused?.status == 503)
            #expect(refused?.header("Retry-After") == "7")
            #expect(second.waitForClose())
            #expect(server.bodyBudgetRefusals == 1)
            // 400 fits beside the first.
            let third = try TestClient(port: port)
            third.send(Self.head("POST", "/echo", "Content-Length: 400\r\n") + [UInt8](repeating: 0x62, count: 400))
            #expect(third.readResponse()?.body.count == 400)
            // The first finishes; every reservation is given back.
            first.send([UInt8](repeating: 0x61, count: 300))
            #expect(first.readResponse()?.body.count == 600)
            #expect(eventually { server.bufferedBodyBytes == 0 })
            // A chunked body reserves the largest body the server takes.
            let chunked = try TestClient(port: port)
            chunked.send(Self.head("POST", "/echo", "Transfer-Encoding: chunked\r\n"))
            #expect(chunked.readResponse(timeout: .seconds(2))?.status == 503)
        }
    }

    @Test func aClosedConnectionGivesItsReservationBack() throws {
        try withServer({ $0.maxBufferedBodyBytes = 1000 }) { server, port in
            do {
                let client = try TestClient(port: port)
                client.send(Self.head("POST", "/echo", "Content-Length: 900\r\n") + [UInt8](repeating: 0x61, count: 10))
                #expect(eventually { server.bufferedBodyBytes == 900 })
            }
            #expect(eventually(timeout: .seconds(5)) { server.bufferedBodyBytes == 0 })
        }
    }

    /// A body trickled below the minimum rate is cut after the grace time, although bytes keep arriving.
    @Test func aTrickledBodyIsCut() throws {
        try withServer({ $0.minBodyBytesPerSecond = 1000; $0.minBodyRateGrace = .seconds(1); $0.bodyTimeout = .seconds(30) }) { server, port in
            let client = try TestClient(port: port)
            client.send(Self.head("POST", "/echo", "Content-Length: 100000\r\n"))
            let start = ContinuousClock.now
            var response: TestClient.Response?
            while response == nil && ContinuousClock.now - start < .seconds(10) {
                client.send([0x61])
                response = client.readResponse(timeout: .milliseconds(200))
            }
            #expect(response?.status == 408)
            #expect(response?.text.contains("per second") == true)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }
}
