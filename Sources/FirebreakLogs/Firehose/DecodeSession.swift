#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mutable state while decoding one record.
struct DecodeSession {
    let configuration: DecoderConfiguration
    let recordIndex: Int
    var result = RecordDecodeResult()
    /// This record's events, added to `result.events` as one chunk by `finish()`.
    var events: [DecodedEvent] = []
    /// Set once `maxEventsPerRecord` is reached: everything after is skipped.
    var stopped = false
    /// Format from an S3 flow-log header line, for the lines after it.
    var headerFormat: FlowLogFormat?
    /// The source of the last flow line parsed, for the next lines of the same buffer and format.
    var lineSource: FlowLineSource?
    /// Columns from a CloudFront log file's `#Fields:` header line, for the lines after it.
    var cloudFrontFormat: CloudFrontLogFormat?

    init(configuration: DecoderConfiguration, recordIndex: Int) {
        self.configuration = configuration
        self.recordIndex = recordIndex
    }

    mutating func issue(_ kind: DecodeIssueKind, line: Int?, _ message: String) {
        result.issues.append(DecodeIssue(kind: kind, recordIndex: recordIndex, line: line, message: message))
    }

    /// Adds an event; false (and a `tooManyEvents` issue) once the limit is reached.
    @inline(__always)
    mutating func emit(_ event: consuming LogEvent, _ context: LogContext, line: Int?) -> Bool {
        if stopped { return false }
        if events.count >= configuration.maxEventsPerRecord {
            stopped = true
            issue(.tooManyEvents, line: line, "more than \(configuration.maxEventsPerRecord) events in one record; the rest was skipped")
            return false
        }
        events.append(DecodedEvent(event: event, context: context))
        return true
    }

    /// The flow-line source of `storage` read with `format`: the last one when it is the same, else a new one.
    @inline(__always)
    mutating func source(_ storage: ByteStorage, _ format: FlowLogFormat) -> FlowLineSource {
        if let last = lineSource, last.reads(storage, with: format) { return last }
        let made = FlowLineSource(storage: storage, format: format)
        lineSource = made
        return made
    }

    /// Moves this record's events into `result`.
    mutating func finish() {
        result.events.append(chunk: events)
        events = []
    }

    // MARK: Payload sniffing

    /// Decodes a payload that has already been decompressed if it was gzip; `tape` is its index when the caller
    /// built it already (`RecordDecoder.decodeFile`).
    mutating func decodePayload(_ storage: ByteStorage, tape indexed: JSONTape? = nil) {
        let buffer = storage.buffer
        if Gzip.hasMagic(buffer) {
            issue(.nestedCompression, line: nil, "gzip data inside a decompressed payload was not decoded")
            return
        }
        var first = 0
        while first < buffer.count, isSpace(buffer[first]) { first += 1 }
        if first == buffer.count { return }
        if buffer[first] == UInt8(ascii: "{") {
            // One pass indexes the document (a CloudTrail S3 file is read from its index); a CloudWatch Logs payload,
            // which names its messageType first, has a scanner of its own. Documents the index refuses take the
            // parser's path below, which says why.
            if let tape = indexed ?? (Self.startsWithKey(buffer, first, "\"messageType\"") ? nil
                                        : JSONTape.build(storage, 0, storage.count, maxDepth: configuration.maxJSONDepth)) {
                if tape.member(0, "messageType") != nil, decodeCloudWatchLogs(storage) { return }
                handleJSON(tape, LogContext(recordIndex: recordIndex), line: nil, inCloudWatchLogs: false)
                return
            }
            if decodeCloudWatchLogs(storage) { return }
            // One JSON document, or newline-delimited JSON and text.
            let parser = JSONParser(maxDepth: configuration.maxJSONDepth)
            let document: JSONValue
            do {
                document = try parser.parse(buffer)
            } catch {
                if containsNewline(buffer, from: first) {
                    decodeLines(storage)
                } else {
                    issue(.json, line: nil, error.description)
                }
                return
            }
            handleJSON(document, LogContext(recordIndex: recordIndex), line: nil, inCloudWatchLogs: false)
            return
        }
        decodeLines(storage)
    }

    @inline(__always)
    func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    func containsNewline(_ buffer: UnsafeBufferPointer<UInt8>, from: Int) -> Bool {
        guard let base = buffer.baseAddress, from < buffer.count else { return false }
        // Ignore trailing whitespace: "{...}\n" is one document.
        var end = buffer.count
        while end > from, isSpace(buffer[end - 1]) { end -= 1 }
        return memchr(base + from, 0x0A, end - from) != nil
    }

    /// True when the object at `first` names `key` (quoted) first: `messageType` for a CloudWatch Logs subscription
    /// payload, `requestId` or `records` for a Firehose request body.
    static func startsWithKey(_ buffer: UnsafeBufferPointer<UInt8>, _ first: Int, _ key: StaticString) -> Bool {
        var p = first + 1
        while p < buffer.count, buffer[p] == 0x20 || buffer[p] == 0x0A || buffer[p] == 0x0D || buffer[p] == 0x09 { p += 1 }
        guard p + key.utf8CodeUnitCount <= buffer.count, let base = buffer.baseAddress else { return false }
        return memcmp(base + p, key.utf8Start, key.utf8CodeUnitCount) == 0
    }

    /// An indexed JSON document (the root of `tape`): CloudTrail records are read from the index; anything else is
    /// built as a tree (another typed AWS log, or generic JSON).
    mutating func handleJSON(_ tape: JSONTape, _ context: LogContext, line: Int?, inCloudWatchLogs: Bool) {
        guard let decoded = CloudTrailDecoder.decode(tape: tape, root: 0, inCloudWatchLogs: inCloudWatchLogs) else {
            let document = tape.value(0)
            _ = emit(Self.typedJSONEvent(document) ?? .json(document), context, line: line)
            return
        }
        for problem in decoded.problems { issue(.cloudTrail, line: line, problem) }
        for record in decoded.records {
            if !emit(.cloudTrail(record), context, line: line) { return }
        }
    }

    /// A parsed JSON document: CloudTrail (in any envelope), another typed AWS log (`typedJSONEvent`) or generic JSON.
    mutating func handleJSON(_ document: JSONValue, _ context: LogContext, line: Int?, inCloudWatchLogs: Bool) {
        guard let decoded = CloudTrailDecoder.decode(document, inCloudWatchLogs: inCloudWatchLogs) else {
            _ = emit(Self.typedJSONEvent(document) ?? .json(document), context, line: line)
            return
        }
        for problem in decoded.problems { issue(.cloudTrail, line: line, problem) }
        for record in decoded.records {
            if !emit(.cloudTrail(record), context, line: line) { return }
        }
    }

    // MARK: Lines

    /// Text lines split on `\n` (a trailing `\r` is removed; blank lines are skipped).
    mutating func decodeLines(_ storage: ByteStorage) {
        let base = storage.base
        let count = storage.count
        var start = 0
        var lineNumber = 0
        let context = LogContext(recordIndex: recordIndex)
        while start < count && !stopped {
            lineNumber += 1
            var end: Int
            if let nl = memchr(base + start, 0x0A, count - start) {
                end = UnsafeMutableRawPointer(mutating: nl).assumingMemoryBound(to: UInt8.self) - base
            } else {
                end = count
            }
            let next = end + 1
            if end > start && base[end - 1] == 0x0D { end -= 1 }
            decodeLine(storage, start, end, context, line: lineNumber, ruleFormat: nil, allowHeader: true)
            start = next
        }
    }

    /// One line or CloudWatch Logs message: JSON, a flow-log line, an ALB, S3 server access or CloudFront log entry, or text.
    mutating func decodeLine(_ storage: ByteStorage, _ lineStart: Int, _ lineEnd: Int, _ context: LogContext,
                             line: Int, ruleFormat: FlowLogFormat?, allowHeader: Bool) {
        let p = storage.base
        var s = lineStart
        var e = lineEnd
        while s < e && isSpace(p[s]) { s += 1 }
        while e > s && isSpace(p[e - 1]) { e -= 1 }
        if s == e { return }
        let length = e - s
        if p[s] == UInt8(ascii: "{") {
            guard length <= configuration.maxJSONBytes else {
                issue(.lineTooLong, line: line, "JSON of \(length) bytes exceeds the limit of \(configuration.maxJSONBytes); skipped")
                return
            }
            if let tape = JSONTape.build(storage, s, e, maxDepth: configuration.maxJSONDepth) {
                handleJSON(tape, context, line: line, inCloudWatchLogs: context.origin != nil)
                return
            }
            let parser = JSONParser(maxDepth: configuration.maxJSONDepth)
            do {
                let document = try parser.parse(UnsafeBufferPointer(start: p + s, count: length))
                handleJSON(document, context, line: line, inCloudWatchLogs: context.origin != nil)
            } catch {
                issue(.json, line: line, error.description)
            }
            return
        }
        guard length <= configuration.maxLineBytes else {
            issue(.lineTooLong, line: line, "line of \(length) bytes exceeds the limit of \(configuration.maxLineBytes); skipped")
            return
        }
        if let format = ruleFormat ?? headerFormat {
            if allowHeader && p[s] >= UInt8(ascii: "a") && p[s] <= UInt8(ascii: "z"),
               let header = FlowLogFormat.fromHeaderLine(p, s, e) {
                headerFormat = header
                return
            }
            do {
                let record = try FlowLogParser.parse(source(storage, format), s, e)
                _ = emit(.flow(consume record), context, line: line)
            } catch {
                issue(.flowLine, line: line, error.message)
            }
            return
        }
        if p[s] == UInt8(ascii: "2") && length > 2 && p[s + 1] == 0x20 {
            do {
                let record = try FlowLogParser.parse(source(storage, .defaultV2), s, e)
                _ = emit(.flow(consume record), context, line: line)
                return
            } catch .fieldCount {
                // Not a default-format flow line: fall through to text.
            } catch {
                issue(.flowLine, line: line, error.message)
                return
            }
        } else if p[s] >= UInt8(ascii: "a") && p[s] <= UInt8(ascii: "z") {
            if ALBLogParser.looksLikeEntry(p, s, e) {
                do {
                    _ = emit(.alb(try ALBLogParser.parse(storage.string(s, e))), context, line: line)
                } catch {
                    issue(.albLine, line: line, error.message)
                }
                return
            }
            if allowHeader, let header = FlowLogFormat.fromHeaderLine(p, s, e) {
                headerFormat = header
                return
            }
        }
        if decodeAccessLogLine(storage, s, e, context, line: line, allowHeader: allowHeader) { return }
        _ = emit(.text(storage.string(s, e)), context, line: line)
    }
}
