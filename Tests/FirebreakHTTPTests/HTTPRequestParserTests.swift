import Testing
@testable import FirebreakHTTP

/// What a parser produced from some input.
private struct Parsed {
    var requests: [HTTPRequest] = []
    var keepAlive: [Bool] = []
    var heads: [(path: String, expectsContinue: Bool)] = []
    var error: HTTPProtocolError?
}

/// Feeds `input` in pieces of `piece` bytes (all at once when nil), pulling events after each piece.
private func parse(_ input: [UInt8], piece: Int? = nil, limits: HTTPRequestParser.Limits = .init()) -> Parsed {
    var parser = HTTPRequestParser(limits: limits)
    var parsed = Parsed()
    let size = piece ?? max(input.count, 1)
    var offset = 0
    repeat {
        let end = min(offset + size, input.count)
        parser.append(Array(input[offset..<end]))
        offset = end
        do {
            while let event = try parser.next() {
                switch event {
                case let .head(head, expectsContinue):
                    parsed.heads.append((head.path, expectsContinue))
                case let .request(request, keepAlive):
                    parsed.requests.append(request)
                    parsed.keepAlive.append(keepAlive)
                }
            }
        } catch {
            parsed.error = error
            return parsed
        }
    } while offset < input.count
    return parsed
}

private func parse(_ text: String, piece: Int? = nil, limits: HTTPRequestParser.Limits = .init()) -> Parsed {
    parse(Array(text.utf8), piece: piece, limits: limits)
}

/// Runs the same input whole, in 7-byte pieces and byte by byte; the outcome must not depend on the split.
private func parseEverySplit(_ text: String, limits: HTTPRequestParser.Limits = .init()) -> Parsed {
    let whole = parse(text, limits: limits)
    for piece in [1, 7] {
        let split = parse(text, piece: piece, limits: limits)
        #expect(split.error == whole.error, "piece \(piece)")
        #expect(split.requests.map(\.body) == whole.requests.map(\.body), "piece \(piece)")
        #expect(split.requests.map(\.target) == whole.requests.map(\.target), "piece \(piece)")
    }
    return whole
}

struct HTTPRequestParserTests {
    @Test func simpleGet() throws {
        let parsed = parseEverySplit("GET /firehose?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nX-Amz-Firehose-Request-Id:  abc \r\nX-Multi: 1\r\nx-multi: 2\r\n\r\n")
        #expect(parsed.error == nil)
        let request = try #require(parsed.requests.first)
        #expect(request.method == "GET")
        #expect(request.target == "/firehose?x=1&y=2")
        #expect(request.path == "/firehose")
        #expect(request.query == "x=1&y=2")
        #expect(request.version == "HTTP/1.1")
        #expect(request.headers["host"] == "example.com")
        #expect(request.headers["X-AMZ-FIREHOSE-REQUEST-ID"] == "abc")  // OWS trimmed
        #expect(request.headers.values("X-Multi") == ["1", "2"])
        #expect(request.body.isEmpty)
        #expect(parsed.keepAlive == [true])
    }

    @Test func contentLengthBodyByteByByte() throws {
        let parsed = parseEverySplit("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world")
        #expect(parsed.error == nil)
        #expect(parsed.requests.first.map { String(decoding: $0.body, as: UTF8.self) } == "hello world")
        #expect(parsed.heads.map(\.expectsContinue) == [false])
    }

    @Test func chunkedBodyIsDecodedWithExtensionsIgnoredAndTrailersDiscarded() throws {
        let text = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n"
            + "6 ; ext\r\n world\r\n"
            + "A\r\n0123456789\r\n"
            + "0\r\nX-Trailer: t\r\nX-Other: o\r\n\r\n"
        let parsed = parseEverySplit(text)
        #expect(parsed.error == nil)
        let request = try #require(parsed.requests.first)
        #expect(String(decoding: request.body, as: UTF8.self) == "hello world0123456789")
        #expect(request.headers["X-Trailer"] == nil)
        #expect(request.headers["Transfer-Encoding"] == "chunked")
    }

    @Test func pipelinedRequestsComeOutInOrder() throws {
        let text = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
            + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
            + "POST /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"
            + "GET /4 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        let parsed = parseEverySplit(text)
        #expect(parsed.error == nil)
        #expect(parsed.requests.map(\.path) == ["/1", "/2", "/3", "/4"])
        #expect(parsed.requests.map { String(decoding: $0.body, as: UTF8.self) } == ["", "abc", "xy", ""])
        #expect(parsed.keepAlive == [true, true, true, false])
    }

    @Test func pipelinedBytesStayBufferedUntilAsked() throws {
        var parser = HTTPRequestParser(limits: .init())
        parser.append(Array("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\n".utf8))
        guard case .head = try #require(try parser.next()) else { Issue.record("expected head"); return }
        guard case .request(let first, _) = try #require(try parser.next()) else { Issue.record("expected request"); return }
        #expect(first.path == "/1")
        #expect(parser.bufferedByteCount == "GET /2 HTTP/1.1\r\n".utf8.count)
        #expect(parser.hasPartialRequest)
        #expect(try parser.next() == nil)
        parser.append(Array("Host: h\r\n\r\n".utf8))
        _ = try parser.next()
        guard case .request(let second, _) = try #require(try parser.next()) else { Issue.record("expected request"); return }
        #expect(second.path == "/2")
        #expect(!parser.hasPartialRequest)
    }

    @Test func expectContinueIsReportedOnlyWhenABodyIsWaitedFor() {
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n").heads.map(\.expectsContinue) == [true])
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-Continue\r\n\r\n").heads.map(\.expectsContinue) == [true])
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n").heads.map(\.expectsContinue) == [false])
        #expect(parse("POST / HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n").heads.map(\.expectsContinue) == [false])
    }

    @Test func keepAliveRules() {
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n").keepAlive == [true])
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, CLOSE\r\n\r\n").keepAlive == [false])
        #expect(parse("GET / HTTP/1.0\r\n\r\n").keepAlive == [false])
        #expect(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive == [true])
    }

    @Test func toleratedForms() throws {
        // Empty lines before a request line (RFC 9112 §2.2), absolute-form, empty Host, repeated identical lengths.
        #expect(parse("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n").requests.count == 1)
        let absolute = try #require(parse("GET http://example.com/a/b?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n").requests.first)
        #expect(absolute.path == "/a/b")
        #expect(absolute.query == "q=1")
        #expect(parse("GET * HTTP/1.1\r\nHost:\r\n\r\n").error == nil)
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok").requests.first?.body == Array("ok".utf8))
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nok").requests.count == 1)
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\nX-Utf8: caf\u{e9}\r\n\r\n").requests.first?.headers["X-Utf8"] == "caf\u{e9}")
    }

    @Test(arguments: [
        // Request line
        ("GET / HTTP/1.1\nHost: h\r\n\r\n", HTTPProtocolError.malformedRequestLine),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET /\u{1} HTTP/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET /\u{e9} HTTP/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET / HTTX/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.10\r\nHost: h\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.2\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/0.9\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", .malformedRequestLine),
        // Header fields
        ("GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n continued\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tcontinued\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nX : y\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nX\t: y\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\n: y\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nX(y): z\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{7f}\r\n\r\n", .malformedHeader),
        // Host
        ("GET / HTTP/1.1\r\n\r\n", .invalidHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .invalidHost),
        ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .invalidHost),
        // Body framing
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1,\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999999\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", .conflictingBodyLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", .conflictingBodyLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .invalidTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,\r\n\r\n", .invalidTransferEncoding),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .invalidTransferEncoding),
        // Chunks
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3 x\r\nabc\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;a\u{0}\r\nabc\r\n", .invalidChunk),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", .malformedHeader),
    ])
    func rejects(_ text: String, _ expected: HTTPProtocolError) {
        let parsed = parseEverySplit(text)
        #expect(parsed.error == expected)
        #expect(parsed.requests.isEmpty)
    }

    @Test func errorStatusesAndMessages() {
        #expect(HTTPProtocolError.malformedHeader.status == 400)
        #expect(HTTPProtocolError.tooManyHeaders.status == 431)
        #expect(HTTPProtocolError.headerSectionTooLarge.status == 431)
        #expect(HTTPProtocolError.requestLineTooLong.status == 414)
        #expect(HTTPProtocolError.bodyTooLarge(limit: 5).status == 413)
        #expect(HTTPProtocolError.bodyTooLarge(limit: 5).message.contains("5 bytes"))
        #expect(HTTPProtocolError.unsupportedTransferEncoding.status == 501)
        #expect(HTTPProtocolError.unsupportedVersion.status == 505)
        #expect(HTTPProtocolError.headerTimeout.status == 408)
        #expect(HTTPProtocolError.bodyTimeout.status == 408)
        #expect(HTTPProtocolError.conflictingBodyLength.status == 400)
    }

    @Test func errorIsSticky() {
        var parser = HTTPRequestParser(limits: .init())
        parser.append(Array("BAD\r\n".utf8))
        #expect(throws: HTTPProtocolError.malformedRequestLine) { try parser.next() }
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(throws: HTTPProtocolError.malformedRequestLine) { try parser.next() }
    }

    // MARK: Limits

    @Test func requestLineLimit() {
        let limits = HTTPRequestParser.Limits(maxRequestLineBytes: 64)
        let fits = "GET /" + String(repeating: "a", count: 64 - 14) + " HTTP/1.1"  // exactly 64 bytes
        #expect(fits.utf8.count == 64)
        #expect(parseEverySplit(fits + "\r\nHost: h\r\n\r\n", limits: limits).requests.count == 1)
        let long = "GET /" + String(repeating: "a", count: 65 - 14) + " HTTP/1.1"
        #expect(parseEverySplit(long + "\r\nHost: h\r\n\r\n", limits: limits).error == .requestLineTooLong)
        // Detected without waiting for the end of the line.
        #expect(parse(String(repeating: "a", count: 100), limits: limits).error == .requestLineTooLong)
    }

    @Test func unterminatedGarbageIsRejectedWithABoundedBuffer() {
        var parser = HTTPRequestParser(limits: .init())
        let piece = [UInt8](repeating: 0x41, count: 1_000)
        var rejectedAt: Int?
        for i in 1...1_000 {
            parser.append(piece)
            if (try? parser.next()) == nil, parser.bufferedByteCount > 8_194 {
                rejectedAt = i
                #expect(throws: HTTPProtocolError.requestLineTooLong) { try parser.next() }
                break
            }
        }
        #expect(rejectedAt == 9)
    }

    @Test func headerCountLimit() {
        let limits = HTTPRequestParser.Limits(maxHeaderCount: 100)
        let hundred = "GET / HTTP/1.1\r\nHost: h\r\n" + (0..<99).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(parse(hundred, limits: limits).requests.count == 1)
        let hundredOne = "GET / HTTP/1.1\r\nHost: h\r\n" + (0..<100).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(parseEverySplit(hundredOne, limits: limits).error == .tooManyHeaders)
    }

    @Test func headerBytesLimit() {
        let limits = HTTPRequestParser.Limits(maxHeaderBytes: 1_000)
        // "Host: h\r\n" (9) + field lines + final CRLF (2) = the header section.
        let filler = "X: " + String(repeating: "v", count: 1_000 - 9 - 2 - 5) + "\r\n"
        #expect(parseEverySplit("GET / HTTP/1.1\r\nHost: h\r\n" + filler + "\r\n", limits: limits).requests.count == 1)
        let over = "X: " + String(repeating: "v", count: 1_000 - 9 - 2 - 4) + "\r\n"
        #expect(parseEverySplit("GET / HTTP/1.1\r\nHost: h\r\n" + over + "\r\n", limits: limits).error == .headerSectionTooLarge)
        // One endless field line is cut off without its end.
        #expect(parse("GET / HTTP/1.1\r\nX: " + String(repeating: "v", count: 2_000), limits: limits).error == .headerSectionTooLarge)
        // The default: more than 64 KiB of headers in fields under the count limit.
        let big = (0..<10).map { "X-\($0): " + String(repeating: "a", count: 7_000) + "\r\n" }.joined()
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\n" + big + "\r\n").error == .headerSectionTooLarge)
    }

    @Test func contentLengthOverLimitFailsBeforeTheBodyWithTheHeadKnown() throws {
        var parser = HTTPRequestParser(limits: .init(maxBodyBytes: 100))
        parser.append(Array("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\nExpect: 100-continue\r\n\r\n".utf8))
        #expect(throws: HTTPProtocolError.bodyTooLarge(limit: 100)) { try parser.next() }
        #expect(parser.currentHead?.path == "/big")
        #expect(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n" + String(repeating: "b", count: 100),
                      limits: .init(maxBodyBytes: 100)).requests.first?.body.count == 100)
    }

    @Test func chunkedBodyOverLimitFailsAsSoonAsItPassesTheLimit() {
        let limits = HTTPRequestParser.Limits(maxBodyBytes: 100)
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        // 60 + 41 > 100: rejected on the second size line, before its data.
        let parsed = parse(head + "3c\r\n" + String(repeating: "a", count: 60) + "\r\n29\r\n", limits: limits)
        #expect(parsed.error == .bodyTooLarge(limit: 100))
        let exact = parse(head + "3c\r\n" + String(repeating: "a", count: 60) + "\r\n28\r\n" + String(repeating: "b", count: 40) + "\r\n0\r\n\r\n", limits: limits)
        #expect(exact.requests.first?.body.count == 100)
        // A huge declared chunk is refused without overflow.
        #expect(parse(head + "7fffffffffffffff\r\n", limits: limits).error == .invalidChunk)
        #expect(parse(head + "fffffffffffffff\r\n", limits: limits).error == .bodyTooLarge(limit: 100))
    }

    @Test func chunkLinesAndTrailersAreBounded() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(parse(head + "1;" + String(repeating: "e", count: 5_000)).error == .invalidChunk)
        let limits = HTTPRequestParser.Limits(maxHeaderBytes: 200, maxHeaderCount: 3)
        #expect(parse(head + "0\r\nT: " + String(repeating: "t", count: 300) + "\r\n\r\n", limits: limits).error == .headerSectionTooLarge)
        #expect(parse(head + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", limits: limits).error == .tooManyHeaders)
    }
}
