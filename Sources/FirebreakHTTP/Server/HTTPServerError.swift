import Glibc

/// Why the server could not start.
public enum HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// The text is not `host:port`, `[v6]:port` or `:port` with an IP literal host and a port in 0...65535.
    case invalidAddress(String)
    case socket(address: String, errno: Int32, message: String)
    case bind(address: String, errno: Int32, message: String)
    case listen(address: String, errno: Int32, message: String)
    case noListenAddresses
    case alreadyStarted
    /// `start()` after `shutdown(...)`: make a new server.
    case shutDown
    /// The TLS certificate or key could not be used.
    case tls(TLSError)

    public var description: String {
        switch self {
        case .invalidAddress(let text):
            "invalid listen address '\(text)': use 'IPv4:port' (127.0.0.1:8080), '[IPv6]:port' ([::1]:8080) or ':port' (all IPv4 interfaces); port 0 picks a free port"
        case let .socket(address, errno, message):
            "cannot create a socket for \(address): \(message) (errno \(errno)); check the address family is available (IPv6 disabled?) and the process file-descriptor limit"
        case let .bind(address, errno, message):
            switch errno {
            case EADDRINUSE:
                "cannot listen on \(address): \(message) (errno \(errno)); another process uses this port: stop it or choose another port"
            case EACCES:
                "cannot listen on \(address): \(message) (errno \(errno)); ports below 1024 need privileges: use a higher port"
            case EADDRNOTAVAIL:
                "cannot listen on \(address): \(message) (errno \(errno)); this host has no interface with that address"
            default:
                "cannot listen on \(address): \(message) (errno \(errno))"
            }
        case let .listen(address, errno, message):
            "cannot listen on \(address): \(message) (errno \(errno))"
        case .noListenAddresses:
            "no listen address configured: give at least one, e.g. 127.0.0.1:8080"
        case .alreadyStarted:
            "the HTTP server is already started"
        case .shutDown:
            "the HTTP server was shut down and cannot be restarted: create a new one"
        case .tls(let error):
            error.description
        }
    }
}
