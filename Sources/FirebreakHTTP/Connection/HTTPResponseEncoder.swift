/// Serializes responses: sets `Content-Length` (except 1xx/204/304), `Date`, `Connection`; omits the body for HEAD.
enum HTTPResponseEncoder {
    /// The interim response sent before reading a body the client holds back (`Expect: 100-continue`).
    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// - Parameters:
    ///   - requestMethod: nil when the request head is unknown (error before the request line was parsed).
    ///   - keepAlive: false adds `Connection: close`.
    ///   - http10KeepAlive: the request was HTTP/1.0 with `Connection: keep-alive`, which must be echoed.
    static func encode(_ response: HTTPResponse, requestMethod: String?, keepAlive: Bool,
                       http10KeepAlive: Bool = false, date: String = HTTPDate.now()) -> [UInt8] {
        var status = response.status
        var body = response.body
        // Interim (1xx) responses cannot be final answers; malformed codes are a handler bug.
        if status < 200 || status > 999 {
            status = 500
            body = []
        }
        let bodyAllowed = status != 204 && status != 304
        let sendBody = bodyAllowed && requestMethod != "HEAD"

        var head = "HTTP/1.1 \(status) \(HTTPResponse.reasonPhrase(for: status))\r\n"
        for (name, value) in response.headers {
            if HTTPHeaders.namesEqual(name, "Content-Length") || HTTPHeaders.namesEqual(name, "Transfer-Encoding")
                || HTTPHeaders.namesEqual(name, "Connection") {
                continue
            }
            // Never let a handler's header split the response: drop invalid names and values.
            guard isValidName(name), isValidValue(value) else { continue }
            head += "\(name): \(value)\r\n"
        }
        if !response.headers.contains("Date") { head += "Date: \(date)\r\n" }
        if bodyAllowed { head += "Content-Length: \(body.count)\r\n" }
        if !keepAlive {
            head += "Connection: close\r\n"
        } else if http10KeepAlive {
            head += "Connection: keep-alive\r\n"
        }
        head += "\r\n"

        var bytes = Array(head.utf8)
        if sendBody && !body.isEmpty {
            bytes.reserveCapacity(bytes.count + body.count)
            bytes.append(contentsOf: body)
        }
        return bytes
    }

    /// True when the handler's response asks to close the connection.
    static func wantsClose(_ response: HTTPResponse) -> Bool {
        response.headers.tokens("Connection").contains("close")
    }

    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
            case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
            default: false
            }
        }
    }

    private static func isValidValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }
}
