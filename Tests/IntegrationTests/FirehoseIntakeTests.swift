import FirebreakLogs
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real service on a loopback port, fed real-format Firehose deliveries.
@Suite(.serialized) struct FirehoseIntakeTests {
    static let path = "/firehose"

    static func post(_ client: RawHTTPClient, requestID: String, body: [UInt8], key: String? = "test-key",
                     gzipBody: Bool = false, extraHeaders: [(String, String)] = []) throws -> RawHTTPClient.Response {
        try client.roundTrip(path: path, headers: FirehoseFixture.headers(requestID: requestID, accessKey: key, gzipBody: gzipBody) + extraHeaders,
                             body: body)
    }

    static func expectContract(_ response: RawHTTPClient.Response, status: Int, requestID: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
        #expect(response.header("Content-Encoding") == nil, sourceLocation: sourceLocation)
        #expect(response.header("Content-Length") == String(response.body.count), sourceLocation: sourceLocation)
        guard let json = response.json else {
            Issue.record("body is not JSON: \(response.text)", sourceLocation: sourceLocation)
            return
        }
        #expect(json["requestId"] as? String == requestID, sourceLocation: sourceLocation)
        // A JSON number of milliseconds, close to now.
        #expect(!(json["timestamp"] is String), sourceLocation: sourceLocation)
        let ts = (json["timestamp"] as? NSNumber)?.doubleValue ?? 0
        #expect(abs(ts - Date().timeIntervalSince1970 * 1000) < 60_000, sourceLocation: sourceLocation)
        let allowed: Set<String> = status == 200 ? ["requestId", "timestamp"] : ["requestId", "timestamp", "errorMessage"]
        #expect(Set(json.keys).isSubset(of: allowed), sourceLocation: sourceLocation)
        if status != 200 {
            #expect((json["errorMessage"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        }
    }

    @Test func acceptsDeliveryLogsItAndCountsItsEvents() throws {
        let service = try ServiceProcess()
        let client = try service.client()
        let id = "5ad8e3a5-0f0c-4a4e-9d7e-1c2b3a4d5e6f"
        let body = FirehoseFixture.flowDelivery(requestID: id, records: 3, linesPerRecord: 4)
        let response = try Self.post(client, requestID: id, body: body)
        Self.expectContract(response, status: 200, requestID: id)

        let log = try #require(service.deliveryLog(requestID: id))
        #expect(log["status"] as? Int == 200 || log["status"] as? String == "200")
        #expect((log["events"] as? [String: Any])?["vpcflow"] as? Int == 12)
        #expect(log["durationMs"] != nil)
        #expect(!service.output.contains("test-key"), "the access key must never be logged")

        let metrics = try service.adminClient().roundTrip(method: "GET", path: "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("firebreak_events_total{type=\"vpcflow\"} 12"))
        #expect(metrics.text.contains("firebreak_deliveries_total{status=\"200\"} 1"))
        #expect(metrics.text.contains("firebreak_records_total 3"))
        #expect(metrics.text.contains("firebreak_delivery_duration_seconds_count 1"))
    }

    @Test func gzipBodyAndMixedRecordsIncludingControlMessageAndCloudTrail() throws {
        let service = try ServiceProcess()
        let client = try service.client()
        let id = "req-gzip-1"
        let records: [[UInt8]] = [
            Gzip.compress(FirehoseFixture.controlPayload()),
            Gzip.compress(FirehoseFixture.cloudWatchPayload(logGroup: "aws-cloudtrail-logs-123456789012",
                                                                logStream: "123456789012_CloudTrail_us-east-1",
                                                                messages: [FirehoseFixture.cloudTrailRecord()])),
            Array(("{\"version\":\"0\",\"id\":\"e1\",\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.ec2\",\"account\":\"123456789012\",\"time\":\"2026-01-01T10:05:00Z\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":" + FirehoseFixture.cloudTrailRecord() + "}").utf8),
            [],
        ]
        let body = Gzip.compress(FirehoseFixture.body(requestID: id, records: records))
        let response = try Self.post(client, requestID: id, body: body, gzipBody: true)
        Self.expectContract(response, status: 200, requestID: id)
        let log = try #require(service.deliveryLog(requestID: id))
        #expect((log["events"] as? [String: Any])?["cloudtrail"] as? Int == 2)
        #expect(log["controlMessages"] as? Int == 1)
    }

    @Test func sharedTestdataDeliveryFromAwsSamCli() throws {
        let file = FirehoseFixture.sharedTestdata.appendingPathComponent("firehose/aws-sam-cli/derived_firehose_http_request.json")
        let bytes = try [UInt8](Data(contentsOf: file))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let id = try #require(object["requestId"] as? String)
        let service = try ServiceProcess()
        let response = try Self.post(try service.client(), requestID: id, body: bytes)
        Self.expectContract(response, status: 200, requestID: id)
        let log = try #require(service.deliveryLog(requestID: id))
        #expect(log["controlMessages"] as? Int == 1)
        let events = (log["events"] as? [String: Any])?.values.compactMap { $0 as? Int }.reduce(0, +)
        #expect(events == 9)
    }

    @Test func everyErrorAnswersTheContract() throws {
        let service = try ServiceProcess(environment: ["FIREBREAK_SERVER_MAX_BODY_BYTES": "1048576"])
        let good = FirehoseFixture.flowDelivery(requestID: "e", records: 1)

        // 401: missing and wrong key; the request id is still echoed.
        Self.expectContract(try Self.post(try service.client(), requestID: "e1", body: good, key: nil), status: 401, requestID: "e1")
        Self.expectContract(try Self.post(try service.client(), requestID: "e2", body: good, key: "wrong"), status: 401, requestID: "e2")

        // 400: malformed JSON.
        let c = try service.client()
        Self.expectContract(try Self.post(c, requestID: "e3", body: Array("{\"requestId\":\"e3\",".utf8)), status: 400, requestID: "e3")

        // 400: bad base64 names the record index.
        let badBase64 = Array(#"{"requestId":"e4","timestamp":1700000000000,"records":[{"data":"aGVsbG8="},{"data":"!!!not base64"}]}"#.utf8)
        let r4 = try Self.post(try service.client(), requestID: "e4", body: badBase64)
        Self.expectContract(r4, status: 400, requestID: "e4")
        #expect((r4.json?["errorMessage"] as? String)?.contains("1") == true)

        // 400: a record that claims gzip but is corrupt names its index.
        var corrupt = Gzip.compress(Array(repeating: 65, count: 1000))
        corrupt[12] ^= 0xFF; corrupt[13] ^= 0xFF; corrupt[14] ^= 0xFF
        let r5 = try Self.post(try service.client(), requestID: "e5", body: FirehoseFixture.body(requestID: "e5", records: [Array("ok".utf8), corrupt]))
        Self.expectContract(r5, status: 400, requestID: "e5")
        #expect((r5.json?["errorMessage"] as? String)?.contains("1") == true)

        // 400: header and body request ids differ.
        let r6 = try Self.post(try service.client(), requestID: "header-id", body: FirehoseFixture.flowDelivery(requestID: "body-id", records: 1))
        Self.expectContract(r6, status: 400, requestID: "header-id")

        // 400: a gzip'd body that is not gzip.
        Self.expectContract(try Self.post(try service.client(), requestID: "e7", body: good, gzipBody: true), status: 400, requestID: "e7")

        // 400: a gzip bomb in the body is refused, not inflated.
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 300 << 20), level: 9)
        Self.expectContract(try Self.post(try service.client(), requestID: "e8", body: bomb, gzipBody: true), status: 400, requestID: "e8")

        // 413: larger than server.max_body_bytes, answered before the body is read.
        let big = try service.client()
        var head = "POST \(Self.path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000000\r\n"
        for (name, value) in FirehoseFixture.headers(requestID: "e9", accessKey: "test-key", gzipBody: false) { head += "\(name): \(value)\r\n" }
        try big.send(head + "\r\n")
        Self.expectContract(try big.readResponse(), status: 413, requestID: "e9")

        // 404 and 405.
        #expect(try service.client().roundTrip(method: "GET", path: "/nothing").status == 404)
        #expect(try service.client().roundTrip(method: "DELETE", path: Self.path).status == 405)
        // GET /firehose and /healthz answer 200.
        #expect(try service.client().roundTrip(method: "GET", path: Self.path).status == 200)
        #expect(try service.client().roundTrip(method: "GET", path: "/healthz").status == 200)

        let metrics = try service.adminClient().roundTrip(method: "GET", path: "/metrics").text
        #expect(metrics.contains("firebreak_deliveries_total{status=\"401\"} 2"))
        #expect(metrics.contains("firebreak_decode_errors_total{kind="))
        #expect(!service.output.contains("test-key") && !service.output.contains("\"wrong\""))
    }

    @Test func unauthenticatedBodyIsNeverRead() throws {
        let service = try ServiceProcess()
        let client = try service.client(timeout: 3)
        var head = "POST \(Self.path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 60000000\r\n"
        for (name, value) in FirehoseFixture.headers(requestID: "nokey", accessKey: "wrong", gzipBody: false) { head += "\(name): \(value)\r\n" }
        try client.send(head + "\r\n")   // the 60 MB body never follows
        Self.expectContract(try client.readResponse(), status: 401, requestID: "nokey")
        #expect(service.deliveryLog(requestID: "nokey")?["status"] as? Int == 401)
    }

    @Test func keepAliveCarriesSeveralDeliveries() throws {
        let service = try ServiceProcess()
        let client = try service.client()
        for i in 0..<5 {
            let id = "keepalive-\(i)"
            let response = try Self.post(client, requestID: id, body: FirehoseFixture.flowDelivery(requestID: id, records: 1, gzipBody: i % 2 == 1),
                                         gzipBody: i % 2 == 1)
            Self.expectContract(response, status: 200, requestID: id)
            #expect(response.header("Connection")?.lowercased() != "close")
        }
        // Pipelined: three deliveries written at once, answered in order.
        var bytes: [UInt8] = []
        for i in 0..<3 {
            let id = "pipelined-\(i)"
            bytes += RawHTTPClient.request(path: Self.path, headers: FirehoseFixture.headers(requestID: id, accessKey: "test-key", gzipBody: false),
                                           body: FirehoseFixture.flowDelivery(requestID: id, records: 1 + i))
        }
        try client.send(bytes)
        for i in 0..<3 { Self.expectContract(try client.readResponse(), status: 200, requestID: "pipelined-\(i)") }
    }

    @Test func sixteenConcurrentClients() throws {
        let service = try ServiceProcess()
        let port = service.port
        let failures = DispatchQueue(label: "failures")
        nonisolated(unsafe) var problems: [String] = []
        DispatchQueue.concurrentPerform(iterations: 16) { n in
            do {
                let client = try RawHTTPClient(port: port)
                for i in 0..<4 {
                    let id = "c\(n)-\(i)"
                    let r = try Self.post(client, requestID: id, body: FirehoseFixture.flowDelivery(requestID: id, records: 2, linesPerRecord: 20))
                    if r.status != 200 && r.status != 503 { failures.sync { problems.append("\(id): \(r.status) \(r.text)") } }
                    if r.status == 200, r.json?["requestId"] as? String != id { failures.sync { problems.append("\(id): wrong id") } }
                }
            } catch {
                failures.sync { problems.append("client \(n): \(error)") }
            }
        }
        #expect(failures.sync { problems }.isEmpty, "\(failures.sync { problems })")
        let metrics = try service.adminClient().roundTrip(method: "GET", path: "/metrics").text
        #expect(metrics.contains("firebreak_deliveries_total{status=\"200\"}"))
    }

    @Test func slowClientIsCutOffByTheHeaderTimeout() throws {
        let service = try ServiceProcess(environment: ["FIREBREAK_SERVER_HEADER_TIMEOUT_SECONDS": "1"])
        let client = try service.client(timeout: 5)
        let start = Date()
        try client.send("POST /firehose HTTP/1.1\r\nHost: 127.0.0.1\r\n")   // and never the rest
        // The server answers 408 or just closes; either way the connection ends near the timeout.
        var closed = false
        if let response = try? client.readResponse() {
            #expect(response.status == 408)
            closed = client.waitForClose()
        } else {
            closed = true
        }
        #expect(closed)
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.9 && elapsed < 4.5, "cut off after \(elapsed) s")
        // The service still serves others.
        #expect(try service.client().roundTrip(method: "GET", path: "/healthz").status == 200)
    }

    @Test func sigtermDrainsInFlightDeliveryAndExitsZero() throws {
        let service = try ServiceProcess(environment: ["FIREBREAK_SERVER_DRAIN_SECONDS": "10"])
        let id = "draining-1"
        let body = FirehoseFixture.flowDelivery(requestID: id, records: 2)
        let client = try service.client()
        // Half of the request is sent, then SIGTERM arrives, then the rest.
        let request = RawHTTPClient.request(path: Self.path, headers: FirehoseFixture.headers(requestID: id, accessKey: "test-key", gzipBody: false), body: body)
        let half = request.count / 2
        try client.send(Array(request[..<half]))
        usleep(200_000)
        service.signal(SIGTERM)
        #expect(service.waitForLine(containing: "draining", timeout: 5) != nil)
        // New connections are no longer accepted.
        #expect((try? RawHTTPClient(port: service.port, timeout: 2).roundTrip(method: "GET", path: "/healthz")) == nil)
        try client.send(Array(request[half...]))
        let response = try client.readResponse()
        Self.expectContract(response, status: 200, requestID: id)
        #expect(service.waitForExit(timeout: 15) == 0)
    }
}
