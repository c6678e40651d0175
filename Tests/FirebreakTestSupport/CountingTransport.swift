import FirebreakAWS
import Synchronization

/// Counts and records the requests that go through the real transport underneath.
public final class CountingTransport: AWSTransport {
    public let inner: CurlTransport
    private let bodies = Mutex<[String]>([])

    public init(_ inner: CurlTransport) {
        self.inner = inner
    }

    public func send(_ request: AWSHTTPRequest, timeouts: AWSTimeouts) throws(AWSError) -> AWSHTTPResponse {
        bodies.withLock { $0.append(String(decoding: request.body, as: UTF8.self)) }
        return try inner.send(request, timeouts: timeouts)
    }

    public var count: Int { bodies.withLock { $0.count } }
    /// The request bodies sent since `start` (an earlier `count`).
    public func bodies(since start: Int) -> [String] { bodies.withLock { Array($0[min(start, $0.count)...]) } }
}
