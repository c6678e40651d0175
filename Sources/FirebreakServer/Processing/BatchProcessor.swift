/// Receives every decoded delivery before Firehose is answered.
///
/// `process` runs on a worker; when it returns, the delivery is acknowledged with 200. Throwing
/// answers 500 and Firehose redelivers the batch, so a processor must be idempotent per request id.
public protocol BatchProcessor: Sendable {
    func process(_ batch: DecodedBatch) throws
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
}
