import FirebreakLogs

/// `cloudtrail`: the bytes are a JSON document (an S3 CloudTrail file, an EventBridge event or a bare
/// record). `JSONParser` (over `JSONScanner`) parses it; a parsed document must serialize to JSON that parses
/// to the same serialization; `CloudTrailDecoder` then finds the records, and their fields are read.
enum CloudTrailTarget {
    static let parser = JSONParser(maxDepth: 128)

    static func run(_ data: [UInt8]) {
        guard let document = try? parser.parse(data) else { return }
        let text = document.serialized()
        do {
            let again = try parser.parse(Array(text.utf8))
            guard again.serialized() == text else {
                fatalError("JSON: serialize(parse(serialize(x))) differs from serialize(x)")
            }
        } catch {
            fatalError("JSON: the serialization of a parsed document does not parse: \(error)")
        }
        for inCloudWatchLogs in [false, true] {
            guard let decoded = CloudTrailDecoder.decode(document, inCloudWatchLogs: inCloudWatchLogs) else { continue }
            for record in decoded.records {
                _ = (record.eventName, record.eventSource, record.eventTime, record.eventID)
                _ = (record.awsRegion, record.recipientAccountId, record.sourceIPAddress)
                _ = (record.errorCode, record.readOnly)
                _ = (record.userIdentityType, record.userIdentityARN, record.userIdentityAccountId)
                _ = record.values(at: "requestParameters.ipPermissions.items.ipRanges.items.cidrIp")
                _ = record.value(at: "userIdentity.sessionContext.sessionIssuer.arn")
                _ = record.envelope.name
            }
        }
    }
}
