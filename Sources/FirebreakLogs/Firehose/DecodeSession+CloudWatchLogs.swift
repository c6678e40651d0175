/// The CloudWatch Logs subscription payload fast path:
/// `{"messageType":"DATA_MESSAGE","owner":"…","logGroup":"…","logStream":"…",
///   "subscriptionFilters":[…],"logEvents":[{"id":"…","timestamp":…,"message":"…"},…]}`.
///
/// The payload is scanned, not parsed into a tree: unneeded members are skipped, and an event
/// `message` without escapes (every flow-log line) is decoded in place from the payload buffer.
extension DecodeSession {
    private struct Header {
        var messageType: String?
        var owner: String?
        var logGroup: String?
        var logStream: String?
        var seenOwner = false, seenGroup = false, seenStream = false
        var complete: Bool { messageType != nil && seenOwner && seenGroup && seenStream }
    }

    /// Returns false when the payload is not a CloudWatch Logs message (no `messageType`), so the
    /// caller can treat it as another JSON document.
    mutating func decodeCloudWatchLogs(_ storage: ByteStorage) -> Bool {
        var s = JSONScanner(storage.buffer)
        var header = Header()
        var deferredEvents: Int?
        var handledEvents = false
        let maxDepth = configuration.maxJSONDepth
        do throws(JSONParseError) {
            guard s.peek() == UInt8(ascii: "{") else { return false }
            s.pos += 1
            if s.peek() == UInt8(ascii: "}") { return false }
            while true {
                let key = try s.expectString("object key")
                try s.expect(UInt8(ascii: ":"), "':'")
                if s.tokenEquals(key, "messageType") {
                    guard s.peek() == 0x22 else { return false }
                    header.messageType = try s.string(try s.scanString())
                } else if s.tokenEquals(key, "owner") {
                    header.owner = try optionalString(&s)
                    header.seenOwner = true
                } else if s.tokenEquals(key, "logGroup") {
                    header.logGroup = try optionalString(&s)
                    header.seenGroup = true
                } else if s.tokenEquals(key, "logStream") {
                    header.logStream = try optionalString(&s)
                    header.seenStream = true
                } else if s.tokenEquals(key, "logEvents") && header.complete && !handledEvents {
                    try processEvents(&s, header, storage)
                    handledEvents = true
                } else if s.tokenEquals(key, "logEvents") && deferredEvents == nil {
                    deferredEvents = s.pos
                    try s.skipValue(depth: 1, maxDepth: maxDepth)
                } else {
                    try s.skipValue(depth: 1, maxDepth: maxDepth)
                }
                if try s.endOfElement(close: UInt8(ascii: "}")) { break }
            }
            if s.peek() != nil { throw s.error("unexpected data after the JSON document") }
        } catch {
            if header.messageType == nil { return false }
            issue(.json, line: nil, "CloudWatch Logs payload: \(error.description)")
            return true
        }
        guard header.messageType != nil else { return false }
        if !handledEvents {
            if let position = deferredEvents {
                var again = JSONScanner(storage.buffer)
                again.pos = position
                do {
                    try processEvents(&again, header, storage)
                } catch {
                    issue(.json, line: nil, "CloudWatch Logs payload: \(error.description)")
                }
            } else if header.messageType == "DATA_MESSAGE" {
                issue(.cloudWatchLogs, line: nil, "DATA_MESSAGE without logEvents")
            } else if header.messageType == "CONTROL_MESSAGE" {
                result.controlMessages += 1
            }
        }
        return true
    }

    private func optionalString(_ s: inout JSONScanner) throws(JSONParseError) -> String? {
        if s.peek() == 0x22 { return try s.string(try s.scanString()) }
        try s.skipValue(depth: 1, maxDepth: 1)
        return nil
    }

    /// `s` is at the `logEvents` value.
    private mutating func processEvents(_ s: inout JSONScanner, _ header: Header, _ storage: ByteStorage) throws(JSONParseError) {
        switch header.messageType {
        case "CONTROL_MESSAGE"?:
            result.controlMessages += 1
            try s.skipValue(depth: 1, maxDepth: configuration.maxJSONDepth)
            return
        case "DATA_MESSAGE"?:
            break
        default:
            issue(.cloudWatchLogs, line: nil, "unknown messageType \"\(header.messageType ?? "")\"; events skipped")
            try s.skipValue(depth: 1, maxDepth: configuration.maxJSONDepth)
            return
        }
        guard s.peek() == UInt8(ascii: "[") else {
            issue(.cloudWatchLogs, line: nil, "logEvents is not an array")
            try s.skipValue(depth: 1, maxDepth: configuration.maxJSONDepth)
            return
        }
        s.pos += 1
        if s.peek() == UInt8(ascii: "]") { s.pos += 1; return }
        let ruleFormat = header.logGroup.flatMap { configuration.flowLogFormat(forLogGroup: $0) }
        // Events are ~100–300 bytes of JSON each; reserving avoids repeatedly regrowing an array
        // of large elements. Bounded by the event limit and the payload size.
        let estimate = max(0, min(configuration.maxEventsPerRecord - events.count, (s.end - s.pos) / 160 + 1))
        if events.capacity < events.count + estimate {
            // At least doubling: a record may hold several messages.
            events.reserveCapacity(max(events.count + estimate, 2 * events.capacity))
        }
        var context = LogContext(recordIndex: recordIndex, origin: LogContext.Origin(
            logGroup: header.logGroup, logStream: header.logStream, owner: header.owner, payload: storage))
        var eventIndex = 0
        while true {
            try s.expect(UInt8(ascii: "{"), "'{' (a log event)")
            var id: LogContext.EventID = .none
            var timestamp: Int64?
            var message: JSONStringToken?
            var messageIsString = true
            if s.peek() != UInt8(ascii: "}") {
                while true {
                    let key = try s.expectString("object key")
                    try s.expect(UInt8(ascii: ":"), "':'")
                    if s.tokenEquals(key, "message") {
                        if s.peek() == 0x22 { message = try s.scanString() } else {
                            messageIsString = false
                            try s.skipValue(depth: 3, maxDepth: configuration.maxJSONDepth)
                        }
                    } else if s.tokenEquals(key, "id") {
                        if s.peek() == 0x22 {
                            let token = try s.scanString()
                            id = token.hasEscapes ? .string(try s.string(token)) : .range(start: token.start, end: token.end)
                        } else {
                            id = .none
                            try s.skipValue(depth: 3, maxDepth: configuration.maxJSONDepth)
                        }
                    } else if s.tokenEquals(key, "timestamp") {
                        if let fast = s.scanSmallUnsigned() {
                            timestamp = fast
                        } else if let c = s.peek(), c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
                            timestamp = try s.scanNumber().int64Value
                        } else {
                            try s.skipValue(depth: 3, maxDepth: configuration.maxJSONDepth)
                        }
                    } else {
                        try s.skipValue(depth: 3, maxDepth: configuration.maxJSONDepth)
                    }
                    if try s.endOfElement(close: UInt8(ascii: "}")) { break }
                }
            } else {
                s.pos += 1
            }
            if !stopped {
                context.eventID = id
                // A time outside years 0000–9999 is no time: the event falls back to when it was received.
                context.timestampMillis = timestamp.flatMap { RecordDecoder.plausibleMillis.contains($0) ? $0 : nil }
                if let message {
                    decodeMessage(s, message, storage, context, eventIndex: eventIndex, ruleFormat: ruleFormat)
                } else {
                    issue(.cloudWatchLogs, line: eventIndex, messageIsString ? "log event without a message" : "log event message is not a string")
                }
            }
            eventIndex += 1
            if try s.endOfElement(close: UInt8(ascii: "]")) { return }
        }
    }

    private mutating func decodeMessage(_ s: JSONScanner, _ token: JSONStringToken, _ storage: ByteStorage,
                                        _ context: LogContext, eventIndex: Int, ruleFormat: FlowLogFormat?) {
        let limit = max(configuration.maxLineBytes, configuration.maxJSONBytes)
        if (token.end - token.start - 16) / 6 > limit {  // too long even if fully escaped
            issue(.lineTooLong, line: eventIndex, "message of \(token.end - token.start) bytes exceeds the limit; skipped")
            return
        }
        if !token.hasEscapes {
            decodeLine(storage, token.start, token.end, context, line: eventIndex, ruleFormat: ruleFormat, allowHeader: false)
            return
        }
        var bytes: [UInt8] = []
        do {
            try s.unescape(token, into: &bytes)
        } catch {
            issue(.json, line: eventIndex, "log event message: \(error.description)")
            return
        }
        let unescaped = ByteStorage(copying: bytes)
        decodeLine(unescaped, 0, unescaped.count, context, line: eventIndex, ruleFormat: ruleFormat, allowHeader: false)
    }
}

extension RecordDecoder {
    /// Milliseconds since the epoch of years 0000 through 9999: times from the wire outside it are not used as
    /// times (later arithmetic on them could overflow).
    static let plausibleMillis: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999
}
