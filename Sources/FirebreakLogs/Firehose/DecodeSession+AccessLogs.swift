extension DecodeSession {
    /// A line of an S3 server access log or a CloudFront standard log (a record, or a CloudFront file's `#Version:` /
    /// `#Fields:` header line): decoded, or reported as an issue, and true; false for any other line.
    mutating func decodeAccessLogLine(_ storage: ByteStorage, _ s: Int, _ e: Int, _ context: LogContext, line: Int,
                                      allowHeader: Bool) -> Bool {
        let p = storage.base
        if p[s] == UInt8(ascii: "#") {
            guard allowHeader else { return false }
            if CloudFrontLogParser.isVersionLine(p, s, e) { return true }
            guard CloudFrontLogParser.isFieldsLine(p, s, e) else { return false }
            do {
                // Another W3C log's header (no CloudFront field) is left as text.
                guard let format = try CloudFrontLogFormat.fromHeaderLine(storage.string(s, e)), format.isCloudFront else {
                    return false
                }
                cloudFrontFormat = format
            } catch {
                cloudFrontFormat = nil
                issue(.cloudFrontLine, line: line, error.message)
            }
            return true
        }
        // After a CloudFront header every line is read with its columns; without one, lines that start with a date.
        if cloudFrontFormat != nil
            || (p[s] >= UInt8(ascii: "0") && p[s] <= UInt8(ascii: "9") && CloudFrontLogParser.looksLikeEntry(p, s, e)) {
            do {
                _ = emit(.cloudFront(try CloudFrontLogParser.parse(storage.string(s, e), format: cloudFrontFormat ?? .legacy)),
                         context, line: line)
            } catch {
                issue(.cloudFrontLine, line: line, error.message)
            }
            return true
        }
        if S3AccessLogParser.looksLikeEntry(p, s, e) {
            do {
                _ = emit(.s3Access(try S3AccessLogParser.parse(storage.string(s, e))), context, line: line)
            } catch {
                issue(.s3AccessLine, line: line, error.message)
            }
            return true
        }
        return false
    }
}
