import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads whole HTTP/1.1 messages from a blocking socket, keeping every byte as received so that they can be
/// forwarded unchanged. Bodies: `Content-Length`, `chunked` (with trailers), or (responses only) to the end of
/// the connection; none for HEAD answers and 1xx/204/304. Used by one thread at a time.
public final class HTTPWireReader {
    static let maxHeadBytes = 64 * 1024
    static let maxBodyBytes = 64 * 1024 * 1024

    private let fd: Int32
    private var buffer: [UInt8] = []

    public init(fd: Int32) {
        self.fd = fd
    }

    /// The next request; nil when the peer closed (or went quiet past the socket's time limit) between messages.
    func readRequest() throws(HTTPWireError) -> HTTPWireMessage? {
        guard var message = try readHead() else { return nil }
        if message.headerHasToken("Transfer-Encoding", "chunked") {
            try readChunked(into: &message)
        } else {
            try readFixed(contentLength(message), into: &message)
        }
        return message
    }

    /// The final response to a request made with `method`; interim 1xx responses are kept in its raw head.
    public func readResponse(to method: String) throws(HTTPWireError) -> HTTPWireMessage {
        var interim: [UInt8] = []
        while true {
            guard var message = try readHead() else {
                throw HTTPWireError(description: "the upstream closed the connection without an answer")
            }
            let status = message.status
            if (100..<200).contains(status) && status != 101 {
                interim += message.rawHead
                continue
            }
            message.rawHead = interim + message.rawHead
            if method == "HEAD" || status == 204 || status == 304 {
                return message
            } else if message.headerHasToken("Transfer-Encoding", "chunked") {
                try readChunked(into: &message)
            } else if message.header("Content-Length") != nil {
                try readFixed(contentLength(message), into: &message)
            } else {
                try readToEnd(into: &message)
            }
            return message
        }
    }

    // MARK: Framing

    private func readHead() throws(HTTPWireError) -> HTTPWireMessage? {
        var end = Self.headEnd(in: buffer)
        while end == nil {
            guard buffer.count <= Self.maxHeadBytes else { throw HTTPWireError(description: "a header section over 64 KiB") }
            guard try fill() else {
                if buffer.isEmpty { return nil }
                throw HTTPWireError(description: "the connection closed inside a header section")
            }
            end = Self.headEnd(in: buffer)
        }
        let head = Array(buffer[..<end!])
        buffer.removeFirst(end!)
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard let startLine = lines.first else { throw HTTPWireError(description: "an empty start line") }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return HTTPWireMessage(rawHead: head, rawBody: [], startLine: startLine, headers: headers, body: [])
    }

    private func contentLength(_ message: HTTPWireMessage) throws(HTTPWireError) -> Int {
        guard let text = message.header("Content-Length") else { return 0 }
        guard let length = Int(text), length >= 0, length <= Self.maxBodyBytes else {
            throw HTTPWireError(description: "Content-Length \(text) is not a length this proxy carries")
        }
        return length
    }

    private func readFixed(_ count: Int, into message: inout HTTPWireMessage) throws(HTTPWireError) {
        let bytes = try take(count)
        message.rawBody += bytes
        message.body += bytes
    }

    private func readChunked(into message: inout HTTPWireMessage) throws(HTTPWireError) {
        while true {
            let line = try takeLine()
            message.rawBody += line
            let sizeText = String(decoding: line, as: UTF8.self).split(separator: ";").first?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0,
                  message.body.count + size <= Self.maxBodyBytes else {
                throw HTTPWireError(description: "a chunk size line \"\(sizeText)\" that is not hexadecimal or too large")
            }
            if size == 0 {
                while true {   // trailer fields, then the blank line
                    let trailer = try takeLine()
                    message.rawBody += trailer
                    if trailer == [13, 10] { return }
                }
            }
            let data = try take(size)
            let crlf = try take(2)
            guard crlf == [13, 10] else { throw HTTPWireError(description: "a chunk not followed by CRLF") }
            message.rawBody += data + crlf
            message.body += data
        }
    }

    private func readToEnd(into message: inout HTTPWireMessage) throws(HTTPWireError) {
        while try fill() {
            guard buffer.count <= Self.maxBodyBytes else { throw HTTPWireError(description: "a body over 64 MiB") }
        }
        message.rawBody += buffer
        message.body += buffer
        buffer.removeAll()
        message.endsWithConnection = true
    }

    // MARK: Buffer

    /// Reads what the socket has into the buffer; false at the end of the stream.
    private func fill() throws(HTTPWireError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer += chunk[..<count]
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                throw HTTPWireError(description: "no bytes within the socket's time limit")
            }
            // A reset connection ends the stream like a close does.
            if errno == ECONNRESET { return false }
            throw HTTPWireError(description: "recv: errno \(errno)")
        }
    }

    private func take(_ count: Int) throws(HTTPWireError) -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw HTTPWireError(description: "the connection closed inside a body") }
        }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    /// One line with its CRLF.
    private func takeLine() throws(HTTPWireError) -> [UInt8] {
        while true {
            if let index = Self.firstCRLF(in: buffer) {
                let line = Array(buffer[...(index + 1)])
                buffer.removeFirst(index + 2)
                return line
            }
            guard buffer.count <= Self.maxHeadBytes else { throw HTTPWireError(description: "a chunk line over 64 KiB") }
            guard try fill() else { throw HTTPWireError(description: "the connection closed inside a chunked body") }
        }
    }

    private static func firstCRLF(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        for index in 0..<(bytes.count - 1) where bytes[index] == 13 && bytes[index + 1] == 10 { return index }
        return nil
    }

    /// The index just past the blank line that ends a header section.
    private static func headEnd(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }
}
