extension HTTPServer {
    /// Listen addresses, TLS, limits and timeouts of an `HTTPServer`.
    public struct Configuration: Sendable {
        public var listen: [HTTPListenAddress]
        /// When set, every listener speaks TLS with this certificate and key; nil serves plain HTTP.
        public var tls: TLSConfiguration?
        /// Bytes of header fields (after the request line), CRLFs included; more is answered 431.
        public var maxHeaderBytes: Int = 65_536
        /// More header fields than this is answered 431.
        public var maxHeaderCount: Int = 100
        /// A longer request line is answered 414.
        public var maxRequestLineBytes: Int = 8_192
        /// A larger body is answered 413 (before reading it when Content-Length says so).
        public var maxBodyBytes: Int = 64 << 20
        /// From accept until a TLS handshake is complete (TLS listeners only).
        public var handshakeTimeout: Duration = .seconds(10)
        /// From accept (or the end of the TLS handshake), or from the first byte of a request, until its header section is complete.
        public var headerTimeout: Duration = .seconds(10)
        /// From the end of the headers until the body is complete.
        public var bodyTimeout: Duration = .seconds(60)
        /// How long a keep-alive connection may wait for its next request.
        public var idleTimeout: Duration = .seconds(60)
        /// How long a response write may make no progress.
        public var writeTimeout: Duration = .seconds(30)
        /// Open connections, all clients. At the cap the longest-idle connection (no request in progress) is
        /// closed to admit a new one; with none idle the new one is answered 503 and closed.
        public var maxConnections: Int = 1024
        /// Open connections from one remote address, handled like `maxConnections` among that address's own.
        public var maxConnectionsPerAddress: Int = 256
        /// Request bodies held in memory at once, all connections: a request whose announced body would pass it
        /// is answered 503 with `Retry-After` before its body is read (a chunked body reserves `maxBodyBytes`).
        public var maxBufferedBodyBytes: Int = 256 << 20
        /// After `minBodyRateGrace` of a body, it must have arrived at this average rate or the request is cut
        /// (408); 0 turns the check off. `bodyTimeout` bounds the whole body either way.
        public var minBodyBytesPerSecond: Int = 4096
        /// How long a body may start slowly before its rate is judged.
        public var minBodyRateGrace: Duration = .seconds(10)
        /// The `Retry-After` seconds of a 503 for the body budget.
        public var retryAfterSeconds: Int = 5
        /// Renders protocol errors (400, 408, 413, 414, 431, 501, 503, 505) so an application can answer in its own format; `head` is nil when the error came before the headers were parsed.
        public var errorResponder: @Sendable (HTTPProtocolError, HTTPRequestHead?) -> HTTPResponse =
            Configuration.defaultErrorResponse

        public init(listen: [HTTPListenAddress]) {
            self.listen = listen
        }

        /// A text/plain response with the error's status and message.
        public static let defaultErrorResponse: @Sendable (HTTPProtocolError, HTTPRequestHead?) -> HTTPResponse = { error, _ in
            HTTPResponse.text(error.status, error.message + "\n")
        }
    }
}
