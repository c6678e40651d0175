import Foundation

/// One HTTP/1.1 message as it crossed the wire: the exact bytes of its head and body (chunk framing included),
/// with the parsed start line, headers and de-chunked body for looking at it.
public struct HTTPWireMessage: Sendable {
    /// Start line and header lines through the blank line, as received.
    var rawHead: [UInt8]
    /// The body as received: Content-Length bytes, or the chunks with their size lines and trailers.
    var rawBody: [UInt8]
    var startLine: String
    var headers: [(name: String, value: String)]
    /// The body with any chunk framing removed.
    public var body: [UInt8]
    /// The body ran to the end of the connection (a response with neither length nor chunking).
    var endsWithConnection = false

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// `POST` of `POST / HTTP/1.1`.
    var method: String { String(startLine.split(separator: " ").first ?? "") }

    /// `/path?query` of a request line.
    var target: String { startLine.split(separator: " ").dropFirst().first.map(String.init) ?? "" }

    /// `HTTP/1.1` of a request line.
    var requestVersion: String { startLine.split(separator: " ").last.map(String.init) ?? "" }

    /// The status code of a response line (`HTTP/1.1 200 OK`); 0 when it has none.
    public var status: Int { Int(startLine.split(separator: " ").dropFirst().first ?? "") ?? 0 }

    /// Whether the header `name` lists `token` (comma-separated, case-insensitive), as `Connection: close`.
    func headerHasToken(_ name: String, _ token: String) -> Bool {
        headers.contains { header in
            header.name.lowercased() == name.lowercased()
                && header.value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == token }
        }
    }
}
