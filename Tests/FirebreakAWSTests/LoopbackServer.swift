import Dispatch
import FirebreakHTTP
import Foundation
import Synchronization

/// A FirebreakHTTP server on 127.0.0.1 with an OS-chosen port, for tests.
final class LoopbackServer: Sendable {
    let server: HTTPServer
    let port: UInt16

    convenience init(_ configure: (inout HTTPRouter) -> Void) throws {
        var router = HTTPRouter()
        configure(&router)
        try self.init(handler: router)
    }

    init(handler: any HTTPHandler) throws {
        server = HTTPServer(configuration: HTTPServer.Configuration(listen: [HTTPListenAddress(host: "127.0.0.1", port: 0)]),
                            handler: handler)
        try server.start()
        port = server.boundAddresses[0].port
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func url(_ path: String) -> URL { URL(string: base + path)! }

    /// Stops and waits (at most a couple of seconds) until it has.
    func stop() {
        let done = DispatchSemaphore(value: 0)
        server.shutdown(drainTimeout: .milliseconds(200)) { _ in done.signal() }
        _ = done.wait(timeout: .now() + 3)
    }
}

/// A thread-safe counter / recorder for handlers.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
    var count: Int { values.withLock { $0.count } }
}

/// A loopback TCP port nothing listens on: bound by the OS, then closed.
func closedLoopbackPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
            bind(fd, sa, length) == 0 ? getsockname(fd, sa, &length) : -1
        }
    }
    return UInt16(bigEndian: address.sin_port)
}

/// A temporary directory removed when the value is released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("firebreak-aws-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` in the directory and returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// A value behind a lock, shareable with handlers (a `Mutex` cannot be captured by escaping closures).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
