// Lines: CRLF-terminated lines out of the buffer, within the limits, and compacting the buffer.
extension HTTPRequestParser {
    /// A header or trailer line, charged against the section's byte and count limits.
    mutating func readSectionLine() throws(HTTPProtocolError) -> ArraySlice<UInt8>? {
        let budget = limits.maxHeaderBytes - sectionBytes
        guard let line = try readLine(limit: max(budget - 2, 0), tooLong: .headerSectionTooLarge) else { return nil }
        sectionBytes += line.count + 2
        guard sectionBytes <= limits.maxHeaderBytes else { throw .headerSectionTooLarge }
        if !line.isEmpty {
            sectionCount += 1
            guard sectionCount <= limits.maxHeaderCount else { throw .tooManyHeaders }
        }
        return line
    }

    /// The next CRLF-terminated line without its CRLF, or nil if none is complete yet.
    /// Throws `tooLong` as soon as the line cannot fit in `limit` bytes, and rejects bare LF and bare CR.
    mutating func readLine(limit: Int, tooLong: HTTPProtocolError) throws(HTTPProtocolError) -> ArraySlice<UInt8>? {
        var index = max(scan, start)
        let end = buffer.count
        while index < end && buffer[index] != LF { index += 1 }
        guard index < end else {
            scan = end
            // A line of `limit` bytes plus CR may be pending; anything longer can never fit.
            if end - start > limit + 1 { throw tooLong }
            return nil
        }
        guard index > start && buffer[index - 1] == CR else {
            switch phase {  // bare LF
            case .requestLine: throw .malformedRequestLine
            case .chunkSize: throw .invalidChunk
            default: throw .malformedHeader
            }
        }
        let line = buffer[start..<index - 1]
        guard line.count <= limit else { throw tooLong }
        start = index + 1
        scan = start
        return line
    }

    mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 256 * 1024)
            scan = 0
            start = 0
        } else if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            scan -= start
            start = 0
        }
    }
}
