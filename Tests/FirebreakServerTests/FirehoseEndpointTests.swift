import FirebreakHTTP
import FirebreakLogs
import Foundation
import Logging
import Synchronization
import Testing
@testable import FirebreakServer

/// The endpoint driven directly, for the answers that need a controlled worker pool or processor.
@Suite struct FirehoseEndpointTests {
    struct BlockingProcessor: BatchProcessor {
        let gate: DispatchSemaphore
        func process(_ batch: DecodedBatch) throws { gate.wait() }
    }

    struct FailingProcessor: BatchProcessor {
        struct Broken: Error {}
        func process(_ batch: DecodedBatch) throws { throw Broken() }
    }

    final class Collector: Sendable {
        private let responses = Mutex<[HTTPResponse]>([])
        private let arrived = DispatchSemaphore(value: 0)
        func respond(_ r: HTTPResponse) { responses.withLock { $0.append(r) }; arrived.signal() }
        func next(timeout: Double = 5) -> HTTPResponse? {
            guard arrived.wait(timeout: .now() + timeout) == .success else { return nil }
            return responses.withLock { $0.removeFirst() }
        }
    }

    static func body(_ id: String) -> [UInt8] {
        let record = Data(Gzip.compress(Array(#"{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","subscriptionFilters":[],"logEvents":[{"id":"1","timestamp":1,"message":"2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK"}]}"#.utf8))).base64EncodedString()
        return Array(#"{"requestId":""#.utf8) + Array(id.utf8) + Array(#"","timestamp":1700000000000,"records":[{"data":""#.utf8) + Array(record.utf8) + Array(#""}]}"#.utf8)
    }

    static func request(_ id: String, key: String? = "k") -> HTTPRequest {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "X-Amz-Firehose-Request-Id": id]
        if let key { headers["X-Amz-Firehose-Access-Key"] = key }
        return HTTPRequest(method: "POST", target: "/firehose", headers: headers, body: body(id))
    }

    static func endpoint(processor: any BatchProcessor, pool: WorkerPool, metrics: ServiceMetrics = ServiceMetrics()) -> FirehoseEndpoint {
        FirehoseEndpoint(accessKeys: AccessKeyVerifier(keys: ["k"]), decoder: DeliveryDecoder(), processor: processor,
                         pool: pool, metrics: metrics, logger: Logger(label: "test"), retryAfterSeconds: 9)
    }

    @Test func queueFullAnswers503WithRetryAfter() throws {
        let gate = DispatchSemaphore(value: 0)
        let pool = WorkerPool(workers: 1, queueLimit: 1)
        let metrics = ServiceMetrics()
        let endpoint = Self.endpoint(processor: BlockingProcessor(gate: gate), pool: pool, metrics: metrics)
        let collector = Collector()
        endpoint.handle(Self.request("a")) { collector.respond($0) }   // runs, blocks in the processor
        endpoint.handle(Self.request("b")) { collector.respond($0) }   // waits in the queue
        endpoint.handle(Self.request("c")) { collector.respond($0) }   // no room: 503 at once
        let rejected = try #require(collector.next())
        #expect(rejected.status == 503)
        #expect(rejected.headers["Retry-After"] == "9")
        #expect(String(decoding: rejected.body, as: UTF8.self).contains(#""requestId":"c""#))
        gate.signal(); gate.signal()
        #expect(collector.next()?.status == 200)
        #expect(collector.next()?.status == 200)
        #expect(metrics.registry.value(ServiceMetrics.deliveries, ["status": "503"]) == 1)
        #expect(metrics.registry.value(ServiceMetrics.deliveries, ["status": "200"]) == 2)
    }

    @Test func processorFailureAnswers500() throws {
        let endpoint = Self.endpoint(processor: FailingProcessor(), pool: WorkerPool(workers: 1, queueLimit: 4))
        let collector = Collector()
        endpoint.handle(Self.request("x")) { collector.respond($0) }
        let response = try #require(collector.next())
        #expect(response.status == 500)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(json["requestId"] as? String == "x")
        #expect((json["errorMessage"] as? String)?.contains("internal error") == true)
    }

    @Test func wrongKeyIsRejectedBeforeAnyWork() throws {
        let pool = WorkerPool(workers: 1, queueLimit: 0)
        let gate = DispatchSemaphore(value: 0)
        let endpoint = Self.endpoint(processor: BlockingProcessor(gate: gate), pool: pool)
        let collector = Collector()
        endpoint.handle(Self.request("w", key: "nope")) { collector.respond($0) }
        #expect(collector.next()?.status == 401)
        #expect(pool.busyWorkers == 0)
        endpoint.handle(Self.request("w2", key: nil)) { collector.respond($0) }
        #expect(collector.next()?.status == 401)
    }

    @Test func unsupportedContentEncodingIs400() throws {
        let endpoint = Self.endpoint(processor: BatchProcessorChain([]), pool: WorkerPool(workers: 1, queueLimit: 1))
        var request = Self.request("br")
        request.headers["Content-Encoding"] = "br"
        let collector = Collector()
        endpoint.handle(request) { collector.respond($0) }
        #expect(collector.next()?.status == 400)
    }
}

@Suite struct DeliveryDecoderTests {
    @Test func decodesAndCountsEventsWithCommonAttributes() throws {
        let input = DeliveryDecoder.Input(body: FirehoseEndpointTests.body("id-1"), requestIDHeader: "id-1",
                                          sourceArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/s",
                                          commonAttributesHeader: #"{"commonAttributes":{"env":"prod"}}"#)
        let batch = try DeliveryDecoder().decode(input)
        #expect(batch.requestID == "id-1")
        #expect(batch.timestampMillis == 1_700_000_000_000)
        #expect(batch.recordCount == 1)
        #expect(batch.eventCounts == ["vpcflow": 1])
        #expect(batch.commonAttributes == ["env": "prod"])
        #expect(batch.sourceArn?.hasSuffix("deliverystream/s") == true)
    }

    @Test func gzipBodyIsUndone() throws {
        let body = Gzip.compress(FirehoseEndpointTests.body("gz"))
        let batch = try DeliveryDecoder().decode(.init(body: body, contentEncoding: "gzip", requestIDHeader: "gz"))
        #expect(batch.eventCounts == ["vpcflow": 1])
        #expect(batch.bodyBytes == body.count)
    }

    @Test func errors() {
        let decoder = DeliveryDecoder()
        let body = FirehoseEndpointTests.body("body-id")
        #expect(throws: FirehoseRequestError.requestIDMismatch(header: "other", body: "body-id")) {
            try decoder.decode(.init(body: body, requestIDHeader: "other"))
        }
        #expect(throws: FirehoseRequestError.self) { try decoder.decode(.init(body: body, contentEncoding: "gzip")) }
        #expect(throws: FirehoseRequestError.malformedCommonAttributes("not a JSON object")) {
            try decoder.decode(.init(body: body, commonAttributesHeader: "env=prod"))
        }
        #expect(throws: FirehoseRequestError.self) {
            try decoder.decode(.init(body: Array(#"{"requestId":"","timestamp":1,"records":[]}"#.utf8)))
        }
        do {
            _ = try decoder.decode(.init(body: Array(#"{"requestId":"r","timestamp":1,"records":[{"data":"aGk="},{"data":"%%%"}]}"#.utf8)))
            Issue.record("expected an error")
        } catch {
            #expect(error.status == 400)
            #expect(error.message.contains("1"))
        }
        // A body gzip bomb is refused by the cap.
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 8 << 20), level: 9)
        let small = DeliveryDecoder(maxDecompressedBodyBytes: 1 << 20)
        #expect(throws: FirehoseRequestError.self) { try small.decode(.init(body: bomb, contentEncoding: "gzip")) }
    }
}
