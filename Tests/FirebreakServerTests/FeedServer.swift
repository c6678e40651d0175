import Dispatch
import FirebreakHTTP
import Foundation
import Synchronization

/// A loopback HTTP server serving one feed at `/feed?key=…`, whose answer the test changes; it records the
/// conditional headers of each request.
final class FeedServer: Sendable {
    /// What `/feed` answers: a body with an ETag (304 when `If-None-Match` matches it), a status, or silence.
    enum Answer: Sendable {
        case feed(body: String, etag: String)
        case status(Int)
        case body(String)
        case delay(seconds: Double)
    }

    typealias Conditions = (ifNoneMatch: String?, ifModifiedSince: String?)

    private let server: HTTPServer
    let answer = FeedLocked<Answer>(.status(404))
    let requests = FeedLocked<[Conditions]>([])
    let url: URL

    init() throws {
        let answer = self.answer
        let requests = self.requests
        var router = HTTPRouter()
        router.route("GET", "/feed") { request, respond in
            requests.withLock { $0.append((request.headers["If-None-Match"], request.headers["If-Modified-Since"])) }
            switch answer.withLock({ $0 }) {
            case .feed(let body, let etag):
                if request.headers["If-None-Match"] == etag {
                    respond(HTTPResponse(status: 304, headers: ["ETag": etag]))
                } else {
                    respond(HTTPResponse(status: 200, headers: ["ETag": etag, "Last-Modified": "Sat, 05 Dec 2026 07:00:00 GMT"],
                                         body: Array(body.utf8)))
                }
            case .status(let status):
                respond(HTTPResponse.text(status, "no"))
            case .body(let body):
                respond(HTTPResponse.text(200, body))
            case .delay(let seconds):
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { respond(HTTPResponse.text(200, "192.0.2.1\n")) }
            }
        }
        server = HTTPServer(configuration: HTTPServer.Configuration(listen: [HTTPListenAddress(host: "127.0.0.1", port: 0)]),
                            handler: router)
        try server.start()
        url = URL(string: "http://127.0.0.1:\(server.boundAddresses[0].port)/feed?key=secret-key")!
    }

    var requestCount: Int { requests.withLock { $0.count } }
    var lastRequest: Conditions? { requests.withLock { $0.last } }

    func stop() {
        let done = DispatchSemaphore(value: 0)
        server.shutdown(drainTimeout: .milliseconds(200)) { _ in done.signal() }
        _ = done.wait(timeout: .now() + 3)
    }
}

/// A value behind a lock that escaping closures can capture (a `Mutex` cannot be).
final class FeedLocked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
