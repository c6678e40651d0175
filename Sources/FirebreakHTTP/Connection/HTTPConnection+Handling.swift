import Dispatch
import Synchronization

// Handling: one request at a time to the handler, and the answers to requests that never reach it.
extension HTTPConnection {
    func dispatch(_ request: HTTPRequest, keepAlive: Bool) {
        requestCount += 1
        let id = requestCount
        state = .handling(id: id)
        requestMethod = request.method
        requestKeepAlive = keepAlive
        requestIsHTTP10 = request.version == "HTTP/1.0"
        disarm()
        context.counters.inFlightRequests.add(1, ordering: .relaxed)
        context.handler.handle(request) { response in
            self.queue.async { self.respond(id: id, response) }
        }
    }

    private func respond(id: Int, _ response: HTTPResponse) {
        guard state == .handling(id: id) else { return }  // late, duplicate, or connection gone
        context.counters.inFlightRequests.subtract(1, ordering: .relaxed)
        releaseBodyReservation()
        let keepAlive = requestKeepAlive && !draining && !peerClosed && !HTTPResponseEncoder.wantsClose(response)
        let bytes = HTTPResponseEncoder.encode(response, requestMethod: requestMethod, keepAlive: keepAlive,
                                               http10KeepAlive: keepAlive && requestIsHTTP10)
        send(bytes, thenClose: !keepAlive)
    }

    /// Answers a protocol error and closes. A header timeout with nothing received just closes.
    func fail(_ error: HTTPProtocolError) {
        suspendReading()
        let head = parser.currentHead
        let response = context.configuration.errorResponder(error, head)
        let bytes = HTTPResponseEncoder.encode(response, requestMethod: head?.method, keepAlive: false)
        lingerBeforeClose = true  // the client may still be sending the rest of its request
        send(bytes, thenClose: true)
    }

    /// Answers a request that its handler refused from the head alone, without reading its body, and closes.
    func refuse(_ response: HTTPResponse, head: HTTPRequestHead) {
        suspendReading()
        let bytes = HTTPResponseEncoder.encode(response, requestMethod: head.method, keepAlive: false)
        lingerBeforeClose = true  // the client may still be sending its body
        send(bytes, thenClose: true)
    }
}
