import FirebreakLogs
import Foundation

/// Turns one Firehose request into a `DecodedBatch`: undoes the body's gzip, parses the delivery,
/// checks the request ids agree, and decodes every record.
public struct DeliveryDecoder: Sendable {
    public var limits: FirehoseDeliveryLimits
    public var maxDecompressedBodyBytes: Int
    /// Bytes that the body and all records of one delivery may inflate to, together; enforced while inflating.
    public var maxDecompressedBytes: Int
    public var records: RecordDecoder

    public init(limits: FirehoseDeliveryLimits = FirehoseDeliveryLimits(),
                maxDecompressedBodyBytes: Int = 256 << 20,
                maxDecompressedBytes: Int = 256 << 20,
                records: RecordDecoder = RecordDecoder()) {
        self.limits = limits
        self.maxDecompressedBodyBytes = maxDecompressedBodyBytes
        self.maxDecompressedBytes = maxDecompressedBytes
        self.records = records
    }

    /// The parts of the HTTP request the decoder needs.
    public struct Input: Sendable {
        public var body: [UInt8]
        public var contentEncoding: String?
        public var requestIDHeader: String?
        public var sourceArn: String?
        public var commonAttributesHeader: String?
        public var receivedAt: ContinuousClock.Instant

        public init(body: [UInt8], contentEncoding: String? = nil, requestIDHeader: String? = nil,
                    sourceArn: String? = nil, commonAttributesHeader: String? = nil,
                    receivedAt: ContinuousClock.Instant = .now) {
            self.body = body
            self.contentEncoding = contentEncoding
            self.requestIDHeader = requestIDHeader
            self.sourceArn = sourceArn
            self.commonAttributesHeader = commonAttributesHeader
            self.receivedAt = receivedAt
        }
    }

    /// Checks what can be checked before any decoding work is queued.
    public static func checkEncoding(_ contentEncoding: String?) throws(FirehoseRequestError) {
        guard let encoding = contentEncoding?.trimmingCharacters(in: .whitespaces).lowercased(),
              !encoding.isEmpty, encoding != "identity" else { return }
        guard encoding == "gzip" || encoding == "x-gzip" else { throw .unsupportedContentEncoding(encoding) }
    }

    public func decode(_ input: Input) throws(FirehoseRequestError) -> DecodedBatch {
        try Self.checkEncoding(input.contentEncoding)
        let attributes = try Self.parseCommonAttributes(input.commonAttributesHeader)

        var body = input.body
        var budget = maxDecompressedBytes
        if let encoding = input.contentEncoding?.lowercased(), encoding.contains("gzip") {
            let cap = min(maxDecompressedBodyBytes, budget)
            do {
                body = try Gzip.decompress(body, limits: GzipLimits(
                    maxOutputBytes: cap, maxRatio: records.configuration.maxCompressionRatio))
            } catch {
                if case .outputLimitExceeded = error, cap == budget { throw .decompressedTooLarge(limit: maxDecompressedBytes) }
                throw .malformedBody(error.message)
            }
            budget -= body.count
        }

        let delivery: FirehoseDelivery
        do {
            delivery = try FirehoseDelivery.parse(body, limits: limits)
        } catch {
            throw .delivery(error)
        }
        let header = input.requestIDHeader?.trimmingCharacters(in: .whitespaces) ?? ""
        if !header.isEmpty && header != delivery.requestID {
            throw .requestIDMismatch(header: header, body: delivery.requestID)
        }
        if header.isEmpty && delivery.requestID.isEmpty { throw .missingRequestId }
        let decoded: RecordDecodeResult
        do {
            decoded = try records.decodeRecords(of: delivery, budget: budget)
        } catch {
            if case .budgetExceeded = error { throw .decompressedTooLarge(limit: maxDecompressedBytes) }
            throw .record(error)
        }
        return DecodedBatch(requestID: delivery.requestID, timestampMillis: delivery.timestampMillis,
                            sourceArn: input.sourceArn, commonAttributes: attributes,
                            recordCount: delivery.records.count, bodyBytes: input.body.count,
                            decompressedBytes: decoded.decompressedBytes, events: decoded.events,
                            issues: decoded.issues, controlMessages: decoded.controlMessages,
                            receivedAt: input.receivedAt)
    }

    /// `{"commonAttributes":{"k":"v",...}}` → `["k": "v"]`; an absent header is an empty map.
    static func parseCommonAttributes(_ header: String?) throws(FirehoseRequestError) -> [String: String] {
        guard let header, !header.trimmingCharacters(in: .whitespaces).isEmpty else { return [:] }
        guard let data = header.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .malformedCommonAttributes("not a JSON object")
        }
        guard let inner = object["commonAttributes"] else { return [:] }
        guard let map = inner as? [String: Any] else { throw .malformedCommonAttributes("commonAttributes is not an object") }
        var out: [String: String] = [:]
        for (key, value) in map {
            guard let text = value as? String else { throw .malformedCommonAttributes("the value of '\(key)' is not a string") }
            out[key] = text
        }
        return out
    }
}
