import Glibc

/// Thin POSIX socket shim: non-blocking listeners and connections, no state.
enum Socket {
    enum IOResult {
        case bytes(Int)
        case wouldBlock
        case endOfFile
        case failed(Int32)
    }

    enum AcceptResult {
        case accepted(fd: Int32, remote: String)
        case wouldBlock
        /// Retry later: out of file descriptors or memory.
        case exhausted(Int32)
        /// The peer gave up before accept, or another transient error: try the next one.
        case transient(Int32)
    }

    /// A non-blocking, close-on-exec listening socket bound to `address` (SO_REUSEADDR; IPV6_V6ONLY on IPv6).
    static func listen(on address: HTTPListenAddress, backlog: Int32 = 511) throws(HTTPServerError) -> (fd: Int32, bound: HTTPListenAddress) {
        guard let family = address.family else { throw .invalidAddress(address.description) }
        let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            let e = errno
            throw .socket(address: address.description, errno: e, message: errorMessage(e))
        }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if family == AF_INET6 {
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }

        var storage = sockaddr_storage()
        let length = fill(&storage, address: address, family: family)
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let e = errno
            Glibc.close(fd)
            throw .bind(address: address.description, errno: e, message: errorMessage(e))
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw .listen(address: address.description, errno: e, message: errorMessage(e))
        }
        var actual = address
        if let local = localAddress(fd) { actual.port = local.port }
        return (fd, actual)
    }

    /// Accepts one connection and makes it non-blocking, close-on-exec, with TCP_NODELAY.
    static func accept(_ listener: Int32) -> AcceptResult {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(listener, $0, &length) }
        }
        guard fd >= 0 else {
            let e = errno
            switch e {
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EMFILE, ENFILE, ENOBUFS, ENOMEM: return .exhausted(e)
            default: return .transient(e)
            }
        }
        // A blocking socket would block a Dispatch thread: refuse the connection rather than risk it.
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
            let e = errno
            Glibc.close(fd)
            return .transient(e)
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return .accepted(fd: fd, remote: describe(&storage) ?? "")
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfFile }
            let e = errno
            switch e {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(e)
            }
        }
    }

    /// Sends without raising SIGPIPE on a closed peer (MSG_NOSIGNAL).
    static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let n = Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .bytes(n) }
            let e = errno
            switch e {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(e)
            }
        }
    }

    /// True if the kernel holds received bytes not yet read (closing now would send a reset).
    static func hasUnreadBytes(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        return Glibc.recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT)) > 0
    }

    static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    static func errorMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    // MARK: Addresses

    private static func fill(_ storage: inout sockaddr_storage, address: HTTPListenAddress, family: Int32) -> socklen_t {
        withUnsafeMutablePointer(to: &storage) { raw in
            if family == AF_INET {
                return raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    sin.pointee.sin_family = sa_family_t(AF_INET)
                    sin.pointee.sin_port = address.port.bigEndian
                    _ = inet_pton(AF_INET, address.host, &sin.pointee.sin_addr)
                    return socklen_t(MemoryLayout<sockaddr_in>.size)
                }
            } else {
                return raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    sin6.pointee.sin6_family = sa_family_t(AF_INET6)
                    sin6.pointee.sin6_port = address.port.bigEndian
                    _ = inet_pton(AF_INET6, address.host, &sin6.pointee.sin6_addr)
                    return socklen_t(MemoryLayout<sockaddr_in6>.size)
                }
            }
        }
    }

    private static func localAddress(_ fd: Int32) -> (host: String, port: UInt16)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard ok == 0 else { return nil }
        return hostAndPort(&storage)
    }

    /// `127.0.0.1:53122` or `[::1]:53122`.
    private static func describe(_ storage: inout sockaddr_storage) -> String? {
        guard let (host, port) = hostAndPort(&storage) else { return nil }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func hostAndPort(_ storage: inout sockaddr_storage) -> (host: String, port: UInt16)? {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let capacity = socklen_t(text.count)
        return withUnsafeMutablePointer(to: &storage) { raw -> (String, UInt16)? in
            switch Int32(raw.pointee.ss_family) {
            case AF_INET:
                return raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    guard inet_ntop(AF_INET, &sin.pointee.sin_addr, &text, capacity) != nil else { return nil }
                    return (cString(text), UInt16(bigEndian: sin.pointee.sin_port))
                }
            case AF_INET6:
                return raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    guard inet_ntop(AF_INET6, &sin6.pointee.sin6_addr, &text, capacity) != nil else { return nil }
                    return (cString(text), UInt16(bigEndian: sin6.pointee.sin6_port))
                }
            default:
                return nil
            }
        }
    }

    private static func cString(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
