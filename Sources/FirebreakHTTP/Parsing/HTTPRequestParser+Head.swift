// Head: the syntax of the request line and of header fields (and Content-Length values).
extension HTTPRequestParser {
    mutating func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPProtocolError) {
        guard let firstSpace = line.firstIndex(of: SP) else { throw .malformedRequestLine }
        let methodBytes = line[line.startIndex..<firstSpace]
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: SP) else { throw .malformedRequestLine }
        let targetBytes = rest[rest.startIndex..<secondSpace]
        let versionBytes = rest[(secondSpace + 1)...]

        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTokenByte) else { throw .malformedRequestLine }
        // Visible ASCII only: no spaces, controls or raw non-ASCII in the target.
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .malformedRequestLine
        }
        // HTTP-version = "HTTP/" DIGIT "." DIGIT
        let v = Array(versionBytes)
        guard v.count == 8, v[0] == 0x48, v[1] == 0x54, v[2] == 0x54, v[3] == 0x50, v[4] == 0x2F,
              isDigit(v[5]), v[6] == 0x2E, isDigit(v[7]) else { throw .malformedRequestLine }
        guard v[5] == 0x31, v[7] == 0x30 || v[7] == 0x31 else { throw .unsupportedVersion }

        method = String(decoding: methodBytes, as: UTF8.self)
        target = String(decoding: targetBytes, as: UTF8.self)
        version = String(decoding: versionBytes, as: UTF8.self)
    }

    func parseField(_ line: ArraySlice<UInt8>) throws(HTTPProtocolError) -> (String, String) {
        // A leading space or tab is obs-fold (or garbage): rejected (RFC 9112 §5.2).
        guard let colon = line.firstIndex(of: COLON), colon > line.startIndex else { throw .malformedHeader }
        let nameBytes = line[line.startIndex..<colon]
        // Whitespace before the colon fails the token check (RFC 9112 §5.1).
        guard nameBytes.allSatisfy(isTokenByte) else { throw .malformedHeader }
        var valueBytes = line[(colon + 1)...]
        while let first = valueBytes.first, first == SP || first == HTAB { valueBytes.removeFirst() }
        while let last = valueBytes.last, last == SP || last == HTAB { valueBytes.removeLast() }
        // field-vchar / SP / HTAB; obs-text (0x80-0xFF) allowed, controls (NUL, CR, LF, ...) and DEL rejected.
        guard valueBytes.allSatisfy({ $0 == HTAB || ($0 >= 0x20 && $0 != 0x7F) }) else { throw .malformedHeader }
        return (String(decoding: nameBytes, as: UTF8.self), String(decoding: valueBytes, as: UTF8.self))
    }

    /// One decimal value; repeated fields or list elements must all be identical (RFC 9110 §8.6).
    func parseContentLength(_ fields: [String]) throws(HTTPProtocolError) -> Int {
        var result: Int?
        for field in fields {
            for element in field.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = element.trimmingHTTPWhitespace().utf8
                guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(isDigit) else { throw .invalidContentLength }
                var value = 0
                for d in digits { value = value * 10 + Int(d - 0x30) }  // ≤ 18 digits: cannot overflow Int64
                if let result, result != value { throw .invalidContentLength }
                result = value
            }
        }
        guard let result else { throw .invalidContentLength }
        return result
    }
}
