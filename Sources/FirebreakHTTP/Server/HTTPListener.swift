import Dispatch

/// A listening socket and its read source.
final class HTTPListener: @unchecked Sendable {
    // @unchecked Sendable: `fd`, `address`, `source` and `queue` are constants, and DispatchSource's
    // activate/suspend/resume/cancel are thread-safe; `paused` is only touched on `queue`.
    let fd: Int32
    let address: HTTPListenAddress
    private let source: DispatchSourceRead
    private let queue: DispatchQueue
    private var paused = false

    init(fd: Int32, address: HTTPListenAddress, queue: DispatchQueue, onReadable: @escaping @Sendable (HTTPListener) -> Void) {
        self.fd = fd
        self.address = address
        self.queue = queue
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setCancelHandler { Socket.close(fd) }
        // Strong capture: the cycle ends when the source is cancelled (Dispatch then drops its handlers).
        source.setEventHandler { onReadable(self) }
    }

    func activate() { source.activate() }

    func activateAndCancel() {
        source.activate()
        source.cancel()
    }

    /// Closes the socket (once the source has stopped using it).
    func cancel() { source.cancel() }

    /// Stops accepting for a while; runs on `queue`.
    func pause(for interval: DispatchTimeInterval) {
        guard !paused else { return }
        paused = true
        source.suspend()
        queue.asyncAfter(deadline: .now() + interval) {
            self.paused = false
            self.source.resume()
        }
    }
}
