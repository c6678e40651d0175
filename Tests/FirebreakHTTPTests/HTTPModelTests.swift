import Testing
@testable import FirebreakHTTP

struct HTTPHeadersTests {
    @Test func caseInsensitiveOrderedMultiValued() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain"]
        headers.add("X-A", "1")
        headers.add("x-a", "2")
        #expect(headers.count == 3)
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["X-A"] == "1")
        #expect(headers.values("X-a") == ["1", "2"])
        headers["x-A"] = "3"  // replaces all
        #expect(headers.values("X-A") == ["3"])
        #expect(headers.count == 2)
        headers.remove("CONTENT-TYPE")
        #expect(headers["Content-Type"] == nil)
        headers["X-A"] = nil
        #expect(headers.count == 0)
        let pairs = HTTPHeaders([(name: "B", value: "2"), (name: "A", value: "1")])
        #expect(pairs.map(\.name) == ["B", "A"])
        #expect(HTTPHeaders([(name: "Connection", value: "Keep-Alive, close ,")]).tokens("connection") == ["keep-alive", "close"])
        #expect(!HTTPHeaders.namesEqual("X-A", "X-AB"))
    }
}

struct HTTPRequestTests {
    @Test func pathAndQueryFromTarget() {
        let request = HTTPRequest(method: "POST", target: "/firehose?x=1")
        #expect(request.path == "/firehose")
        #expect(request.query == "x=1")
        #expect(request.version == "HTTP/1.1")
        #expect(HTTPRequest(method: "GET", target: "/").query == nil)
        #expect(HTTPRequest(method: "GET", target: "/a?").query == "")
        #expect(HTTPRequest(method: "GET", target: "http://h:8080").path == "/")
        #expect(HTTPRequest(method: "GET", target: "http://h?q").query == "q")
        #expect(HTTPRequestHead(method: "GET", target: "/p?q", version: "HTTP/1.1", headers: [:]).path == "/p")
    }
}

struct HTTPListenAddressTests {
    @Test func parsesTheThreeForms() throws {
        #expect(try HTTPListenAddress.parse("127.0.0.1:8080") == HTTPListenAddress(host: "127.0.0.1", port: 8080))
        #expect(try HTTPListenAddress.parse("[::1]:8080") == HTTPListenAddress(host: "::1", port: 8080))
        #expect(try HTTPListenAddress.parse(":8080") == HTTPListenAddress(host: "0.0.0.0", port: 8080))
        #expect(try HTTPListenAddress.parse("[::]:0").port == 0)
        #expect(try HTTPListenAddress.parse("[::1]:8080").description == "[::1]:8080")
        #expect(try HTTPListenAddress.parse(":80").description == "0.0.0.0:80")
    }

    @Test(arguments: ["", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x",
                      "::1:8080", "[::1]", "[::1]8080", "[127.0.0.1]:80", "localhost:80", "256.0.0.1:80", "[::1:80"])
    func rejectsInvalid(_ text: String) {
        #expect(throws: HTTPServerError.self) { try HTTPListenAddress.parse(text) }
        do {
            _ = try HTTPListenAddress.parse(text)
        } catch {
            #expect(error.description.contains("[IPv6]:port"))
        }
    }

    @Test func loopback() throws {
        #expect(try HTTPListenAddress.parse("127.0.0.1:1").isLoopback)
        #expect(try HTTPListenAddress.parse("127.3.2.1:1").isLoopback)
        #expect(try HTTPListenAddress.parse("[::1]:1").isLoopback)
        #expect(try HTTPListenAddress.parse("[0:0::1]:1").isLoopback)
        #expect(try !HTTPListenAddress.parse(":1").isLoopback)
        #expect(try !HTTPListenAddress.parse("[::]:1").isLoopback)
        #expect(try !HTTPListenAddress.parse("10.0.0.1:1").isLoopback)
    }
}

struct HTTPResponseEncoderTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func setsLengthDateAndConnection() {
        var response = HTTPResponse.text(200, "hello")
        response.headers["Content-Length"] = "999"  // the encoder's own count wins
        response.headers["Transfer-Encoding"] = "chunked"
        let encoded = text(HTTPResponseEncoder.encode(response, requestMethod: "GET", keepAlive: false, date: "D"))
        #expect(encoded == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: D\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
        let keep = text(HTTPResponseEncoder.encode(HTTPResponse(status: 404), requestMethod: "GET", keepAlive: true, date: "D"))
        #expect(keep == "HTTP/1.1 404 Not Found\r\nDate: D\r\nContent-Length: 0\r\n\r\n")
        let http10 = text(HTTPResponseEncoder.encode(HTTPResponse(status: 200), requestMethod: "GET", keepAlive: true, http10KeepAlive: true, date: "D"))
        #expect(http10.contains("Connection: keep-alive\r\n"))
    }

    @Test func headAnd204And304HaveNoBody() {
        let head = text(HTTPResponseEncoder.encode(.text(200, "abc"), requestMethod: "HEAD", keepAlive: true, date: "D"))
        #expect(head.hasSuffix("Content-Length: 3\r\n\r\n"))
        let noContent = text(HTTPResponseEncoder.encode(HTTPResponse(status: 204, body: [1]), requestMethod: "GET", keepAlive: true, date: "D"))
        #expect(noContent == "HTTP/1.1 204 No Content\r\nDate: D\r\n\r\n")
        let notModified = text(HTTPResponseEncoder.encode(HTTPResponse(status: 304), requestMethod: "GET", keepAlive: true, date: "D"))
        #expect(!notModified.contains("Content-Length"))
    }

    @Test func handlerHeadersCannotSplitTheResponse() {
        var response = HTTPResponse(status: 200)
        response.headers.add("X-Evil", "a\r\nSet-Cookie: x=1")
        response.headers.add("Bad Name", "v")
        response.headers.add("X-Good", "fine")
        let encoded = text(HTTPResponseEncoder.encode(response, requestMethod: "GET", keepAlive: true, date: "D"))
        #expect(!encoded.contains("Set-Cookie"))
        #expect(!encoded.contains("Bad Name"))
        #expect(encoded.contains("X-Good: fine\r\n"))
        let invalid = text(HTTPResponseEncoder.encode(HTTPResponse(status: 101), requestMethod: "GET", keepAlive: true, date: "D"))
        #expect(invalid.hasPrefix("HTTP/1.1 500 Internal Server Error\r\n"))
        #expect(HTTPResponseEncoder.wantsClose(HTTPResponse(status: 200, headers: ["Connection": "Close"])))
    }

    @Test func imfFixdate() {
        #expect(HTTPDate.format(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPResponse.reasonPhrase(for: 431) == "Request Header Fields Too Large")
        #expect(HTTPResponse.reasonPhrase(for: 299) == "Status 299")
    }
}

struct HTTPRouterTests {
    private func run(_ router: HTTPRouter, _ method: String, _ target: String) -> HTTPResponse? {
        let box = ResponseBox()
        router.handle(HTTPRequest(method: method, target: target)) { box.set($0) }
        return box.get()
    }

    @Test func routesByPathAndMethod() {
        var router = HTTPRouter()
        router.route("GET", "/metrics") { _, respond in respond(.text(200, "m")) }
        router.route("POST", "/metrics") { request, respond in respond(.text(201, request.method)) }
        router.route("PUT", "/only-put") { _, respond in respond(.text(200, "p")) }
        #expect(run(router, "GET", "/metrics?x=1")?.status == 200)
        #expect(run(router, "POST", "/metrics")?.body == Array("POST".utf8))
        #expect(run(router, "HEAD", "/metrics")?.status == 200)  // falls back to GET
        #expect(run(router, "GET", "/missing")?.status == 404)
        let wrong = run(router, "DELETE", "/metrics")
        #expect(wrong?.status == 405)
        #expect(wrong?.headers["Allow"] == "GET, HEAD, POST")
        #expect(run(router, "HEAD", "/only-put")?.headers["Allow"] == "PUT")
        #expect(run(router, "get", "/metrics")?.status == 405)  // methods are case-sensitive
    }
}

import Synchronization

private final class ResponseBox: Sendable {
    private let value = Mutex<HTTPResponse?>(nil)
    func set(_ response: HTTPResponse) { value.withLock { $0 = response } }
    func get() -> HTTPResponse? { value.withLock { $0 } }
}
