import Glibc

/// An IP literal and port to listen on; port 0 asks the system for a free port.
public struct HTTPListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 or IPv6 literal without brackets, e.g. `0.0.0.0`, `::1`.
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:8080`, `[::1]:8080`, or `:8080` (meaning `0.0.0.0:8080`).
    public static func parse(_ text: String) throws(HTTPServerError) -> HTTPListenAddress {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .invalidAddress(text) }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":") else { throw .invalidAddress(text) }
            portText = after.dropFirst()
            guard host.contains(":") else { throw .invalidAddress(text) }
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .invalidAddress(text) }
            host = text[..<colon].isEmpty ? "0.0.0.0" : text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { throw .invalidAddress(text) }  // bare IPv6 needs brackets
        }
        guard !portText.isEmpty, portText.count <= 5, portText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let port = UInt16(portText) else { throw .invalidAddress(text) }
        let address = HTTPListenAddress(host: String(host), port: port)
        guard address.family != nil else { throw .invalidAddress(text) }
        return address
    }

    /// True for 127.0.0.0/8 and ::1.
    public var isLoopback: Bool {
        switch family {
        case AF_INET?:
            var addr = in_addr()
            guard inet_pton(AF_INET, host, &addr) == 1 else { return false }
            return UInt32(bigEndian: addr.s_addr) >> 24 == 127
        case AF_INET6?:
            return host == "::1" || HTTPListenAddress.canonicalIPv6(host) == "::1"
        default:
            return false
        }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// AF_INET or AF_INET6 when `host` is a valid literal of that family.
    var family: Int32? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return AF_INET }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return AF_INET6 }
        return nil
    }

    static func canonicalIPv6(_ host: String) -> String? {
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
