/// Receives every decoded delivery before Firehose is answered.
///
/// `process` runs on a worker; when it returns, the delivery is acknowledged with 200. Throwing
/// answers 500 and Firehose redelivers the batch, so a processor must be idempotent per request id.
public protocol BatchProcessor: Sendable {
    func process(_ batch: DecodedBatch) throws
    /// True when the delivery with this request id is already committed (a Firehose redelivery): it is then
    /// acknowledged before its body is decoded. False when unknown or when the processor keeps no record.
    func isCommitted(_ requestID: String) -> Bool
}

extension BatchProcessor {
    public func isCommitted(_ requestID: String) -> Bool { false }
}

/// Several processors, run in order; the first error fails the delivery.
public struct BatchProcessorChain: BatchProcessor {
    public var processors: [any BatchProcessor]

    public init(_ processors: [any BatchProcessor]) {
        self.processors = processors
    }

    public func process(_ batch: DecodedBatch) throws {
        for processor in processors { try processor.process(batch) }
    }

    public func isCommitted(_ requestID: String) -> Bool {
        processors.contains { $0.isCommitted(requestID) }
    }
}
