// Body: bytes of a fixed-length or chunked body, and chunk-size lines.
extension HTTPRequestParser {
    /// Moves up to `remaining` buffered bytes into the body; returns how many are still to come.
    mutating func takeBody(upTo remaining: Int) -> Int {
        let take = min(remaining, bufferedByteCount)
        if take > 0 {
            body.append(contentsOf: buffer[start..<start + take])
            start += take
            scan = start
        }
        return remaining - take
    }

    /// chunk-size [ BWS ";" chunk-ext ] — extensions are checked for control bytes, then ignored.
    func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPProtocolError) -> Int {
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let nibble = hexValue(line[index]) {
            digits += 1
            guard digits <= 15 else { throw .invalidChunk }  // 15 hex digits < 2^60: no overflow
            size = size << 4 | nibble
            index += 1
        }
        guard digits > 0 else { throw .invalidChunk }
        while index < line.endIndex, line[index] == SP || line[index] == HTAB { index += 1 }
        if index < line.endIndex {
            guard line[index] == SEMICOLON,
                  line[index...].allSatisfy({ $0 == HTAB || ($0 >= 0x20 && $0 != 0x7F) }) else { throw .invalidChunk }
        }
        return size
    }
}
