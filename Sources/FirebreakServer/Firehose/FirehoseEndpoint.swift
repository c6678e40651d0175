import FirebreakHTTP
import FirebreakResponse
import FirebreakLogs
import Foundation
import Logging

/// `POST /firehose`: verifies the access key, queues the delivery on the worker pool, decodes it,
/// hands it to the processor, and answers per the Firehose HTTP endpoint contract.
///
/// One JSON log line is written per delivery on every path, with the request id; the access key
/// never appears in it.
public struct FirehoseEndpoint: HTTPHandler {
    let accessKeys: AccessKeyVerifier
    let decoder: DeliveryDecoder
    let processor: any BatchProcessor
    let pool: WorkerPool
    let metrics: ServiceMetrics
    let logger: Logger
    let retryAfterSeconds: Int

    public init(accessKeys: AccessKeyVerifier, decoder: DeliveryDecoder, processor: any BatchProcessor,
                pool: WorkerPool, metrics: ServiceMetrics, logger: Logger, retryAfterSeconds: Int = 5) {
        self.accessKeys = accessKeys
        self.decoder = decoder
        self.processor = processor
        self.pool = pool
        self.metrics = metrics
        self.logger = logger
        self.retryAfterSeconds = retryAfterSeconds
    }

    public func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) {
        let receivedAt = ContinuousClock.now
        let headerId = request.headers["X-Amz-Firehose-Request-Id"] ?? ""
        // A nil batch: a redelivery acknowledged before decoding.
        let finish: @Sendable (Result<DecodedBatch?, FirehoseRequestError>, String) -> Void = { result, requestID in
            let response: HTTPResponse
            switch result {
            case .success:
                response = FirehoseResponse.make(status: 200, requestID: requestID)
            case .failure(let error):
                response = FirehoseResponse.failure(error, requestID: requestID, retryAfter: retryAfterSeconds)
            }
            record(result, requestID: requestID, status: response.status, request: request, receivedAt: receivedAt)
            respond(response)
        }

        // The server normally refuses these in `screen`, before the body is read; checked again for
        // requests that reach `handle` another way.
        if let error = precheck(request.headers) { return finish(.failure(error), headerId) }
        // During a drain the HTTP server accepts no new connection; a delivery already on its way
        // is still served, so that Firehose need not send it again.

        let input = DeliveryDecoder.Input(
            body: request.body, contentEncoding: request.headers["Content-Encoding"], requestIDHeader: headerId,
            sourceArn: request.headers["X-Amz-Firehose-Source-Arn"],
            commonAttributesHeader: request.headers["X-Amz-Firehose-Common-Attributes"], receivedAt: receivedAt)
        let queued = pool.submit {
            // A redelivery of a committed request id (from the header; the body must carry the same one) is answered
            // before any decoding: its findings and actions are in the store already.
            if processor.isCommitted(headerId) { return finish(.success(nil), headerId) }
            let batch: DecodedBatch
            do throws(FirehoseRequestError) {
                batch = try decoder.decode(input)
            } catch {
                return finish(.failure(error), headerId)
            }
            do {
                try processor.process(batch)
            } catch let retry as BatchRetryLater {
                return finish(.failure(.unavailable(retry.reason)), batch.requestID)
            } catch {
                return finish(.failure(.processing(String(describing: error))), batch.requestID)
            }
            finish(.success(batch), batch.requestID)
        }
        if !queued { finish(.failure(.overloaded), headerId) }
    }

    /// Refuses a delivery from its headers alone, so that an unauthenticated client cannot make the
    /// server buffer a body: a missing or wrong access key, or an unsupported encoding.
    public func screen(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard let error = precheck(head.headers) else { return nil }
        let requestID = head.headers["X-Amz-Firehose-Request-Id"] ?? ""
        let response = FirehoseResponse.failure(error, requestID: requestID)
        let request = HTTPRequest(method: head.method, target: head.target, version: head.version, headers: head.headers)
        record(.failure(error), requestID: requestID, status: response.status, request: request, receivedAt: .now)
        return response
    }

    /// Authentication first: nothing of an unauthenticated request is looked at beyond its headers.
    private func precheck(_ headers: HTTPHeaders) -> FirehoseRequestError? {
        guard accessKeys.isEmpty || accessKeys.accepts(headers["X-Amz-Firehose-Access-Key"]) else { return .unauthorized }
        do {
            try DeliveryDecoder.checkEncoding(headers["Content-Encoding"])
        } catch {
            return error
        }
        return nil
    }

    /// Metrics and the delivery's log line.
    private func record(_ result: Result<DecodedBatch?, FirehoseRequestError>, requestID: String, status: Int,
                        request: HTTPRequest, receivedAt: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - receivedAt
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let registry = metrics.registry
        registry.increment(ServiceMetrics.deliveries, ["status": String(status)])
        registry.observe(ServiceMetrics.deliveryDuration, value: seconds)
        registry.increment(ServiceMetrics.bytesReceived, by: Double(request.body.count))

        var meta: Logger.Metadata = [
            "requestId": .string(requestID),
            "status": .stringConvertible(status),
            "durationMs": .string(String(format: "%.3f", seconds * 1000)),
            "bodyBytes": .stringConvertible(request.body.count),
            "remote": .string(request.remoteAddress),
        ]
        if let arn = request.headers["X-Amz-Firehose-Source-Arn"] { meta["sourceArn"] = .string(arn) }
        switch result {
        case .success(nil):
            logger.info("redelivery of a committed delivery: acknowledged without decoding", metadata: meta)
        case .success(let batch?):
            registry.increment(ServiceMetrics.records, by: Double(batch.recordCount))
            registry.increment(ServiceMetrics.decompressedBytes, by: Double(batch.decompressedBytes))
            var issueKinds: [String: Int] = [:]
            for issue in batch.issues { issueKinds[issue.kind.rawValue, default: 0] += 1 }
            for (kind, count) in issueKinds { registry.increment(ServiceMetrics.decodeErrors, ["kind": kind], by: Double(count)) }
            meta["records"] = .stringConvertible(batch.recordCount)
            meta["events"] = .dictionary(batch.eventCounts.mapValues { .stringConvertible($0) })
            meta["controlMessages"] = .stringConvertible(batch.controlMessages)
            meta["decodeErrors"] = .dictionary(issueKinds.mapValues { .stringConvertible($0) })
            if !batch.issues.isEmpty {
                meta["firstErrors"] = .array(batch.issues.prefix(5).map { issue in
                    .string("record \(issue.recordIndex)" + (issue.line.map { " line \($0)" } ?? "") + ": \(issue.message)")
                })
            }
            if !batch.commonAttributes.isEmpty {
                meta["commonAttributes"] = .dictionary(batch.commonAttributes.mapValues { .string($0) })
            }
            logger.info("delivery accepted", metadata: meta)
        case .failure(let error):
            if let kind = error.decodeErrorKind { registry.increment(ServiceMetrics.decodeErrors, ["kind": kind]) }
            meta["error"] = .string(error.message)
            if status >= 500 { logger.error("delivery failed", metadata: meta) } else { logger.warning("delivery rejected", metadata: meta) }
        }
    }
}
