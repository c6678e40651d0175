@testable import FirebreakHTTP

/// `http`: the bytes are what a client sent on one connection. They are parsed twice, once appended whole and
/// once in small pieces (as reads would deliver them), and both passes must yield the same requests: the
/// parser is incremental, so a difference is a bug even when nothing traps.
enum HTTPRequestParserTarget {
    static let limits = HTTPRequestParser.Limits(maxRequestLineBytes: 8_192, maxHeaderBytes: 65_536,
                                                 maxHeaderCount: 100, maxBodyBytes: 4 << 20)

    static func run(_ data: [UInt8]) {
        let whole = parse(data, pieceSize: max(data.count, 1))
        let pieces = parse(data, pieceSize: data.count % 13 + 1)
        guard whole == pieces else {
            fatalError("HTTP parser: fed whole \(whole), fed in pieces of \(data.count % 13 + 1) \(pieces)")
        }
    }

    /// What one pass saw: a summary of each event, and whether it ended in an error.
    struct Outcome: Equatable, CustomStringConvertible {
        var events: [String] = []
        var failed = false
        var description: String { "\(events.count) events\(failed ? " then an error" : ""): \(events)" }
    }

    static func fields(_ headers: HTTPHeaders) -> String {
        headers.map { "\($0.name): \($0.value)" }.joined(separator: "|")
    }

    static func parse(_ data: [UInt8], pieceSize: Int) -> Outcome {
        var parser = HTTPRequestParser(limits: limits)
        var outcome = Outcome()
        var offset = 0
        repeat {
            let end = min(offset + pieceSize, data.count)
            parser.append(Array(data[offset..<end]))
            offset = end
            do {
                while let event = try parser.next() {
                    switch event {
                    case .head(let head, let expectsContinue):
                        outcome.events.append("head \(head.method) \(head.path) \(head.version) "
                                              + "\(fields(head.headers)) continue=\(expectsContinue)")
                    case .request(let request, let keepAlive):
                        outcome.events.append("request \(request.method) \(request.target) \(request.query ?? "-") "
                                              + "\(fields(request.headers)) body=\(request.body.count) "
                                              + "\(request.body.hashValue) keepAlive=\(keepAlive)")
                    }
                }
            } catch {
                outcome.failed = true
                return outcome
            }
        } while offset < data.count
        return outcome
    }
}
