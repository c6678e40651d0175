import FirebreakLogs

/// `cloudtrail`: the bytes are a JSON document (an S3 CloudTrail file, an EventBridge event or a bare
/// record). `JSONParser` (over `JSONScanner`) parses it; a parsed document must serialize to JSON that parses
/// to the same serialization; `CloudTrailDecoder` then finds the records, and their fields are read. The structural
/// index (`JSONTape`) that stands in for the parser on the CloudTrail path must accept exactly the same documents,
/// give back the same tree, print a container's own bytes only when they are its serialization, and find the same
/// records.
enum CloudTrailTarget {
    static let parser = JSONParser(maxDepth: 128)

    static func run(_ data: [UInt8]) {
        let tape = JSONTape.parse(data, maxDepth: 128)
        guard let document = try? parser.parse(data) else {
            if tape != nil { fatalError("JSONTape accepts a document JSONParser refuses") }
            return
        }
        guard let tape else { fatalError("JSONTape refuses a document JSONParser accepts") }
        compare(tape, document)
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

    /// The tape against the tree of the same bytes.
    static func compare(_ tape: JSONTape, _ document: JSONValue) {
        guard tape.value(0) == document else { fatalError("JSONTape: the tree differs from JSONParser's") }
        for index in 0..<tape.count where tape.isClean(index) {
            let raw = String(decoding: tape.raw(index), as: UTF8.self)
            guard raw == tape.value(index).serialized() else {
                fatalError("JSONTape: a clean container's bytes are not its serialization")
            }
        }
        for inCloudWatchLogs in [false, true] {
            let fromTree = CloudTrailDecoder.decode(document, inCloudWatchLogs: inCloudWatchLogs)
            let fromTape = CloudTrailDecoder.decode(tape: tape, root: 0, inCloudWatchLogs: inCloudWatchLogs)
            guard (fromTree == nil) == (fromTape == nil),
                  fromTree?.records.map(\.record) == fromTape?.records.map(\.record) else {
                fatalError("JSONTape: CloudTrailDecoder finds other records in the tape than in the tree")
            }
        }
    }
}
