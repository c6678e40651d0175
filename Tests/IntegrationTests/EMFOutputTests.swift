import FirebreakTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `firebreak serve` with `metrics.emf` on: CloudWatch EMF lines on stdout, valid against the specification's
/// structure, among JSON log lines they never cut into, and the last interval written after a SIGTERM drain.
@Suite(.serialized) struct EMFOutputTests {
    static func emfEnvironment(intervalSeconds: Int) -> [String: String] {
        ["FIREBREAK_METRICS_EMF": "true", "FIREBREAK_METRICS_EMF_INTERVAL_SECONDS": String(intervalSeconds),
         "FIREBREAK_METRICS_EMF_SERVICE": "firebreak-test"]
    }

    /// The service's output lines that are EMF documents, each checked against the specification and the contract's
    /// namespace and Service dimension.
    static func emfDocuments(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) -> [OCSFJSON] {
        lines.filter(EMFValidator.isEMF).compactMap { line in
            #expect(EMFValidator.problems(line) == [], "\(line)", sourceLocation: sourceLocation)
            let document = try? OCSFJSON(parsing: line)
            let directive = document?["_aws"]?["CloudWatchMetrics"]?.arrayValue?.first
            #expect(directive?["Namespace"]?.stringValue == "Firebreak", sourceLocation: sourceLocation)
            #expect(directive?["Dimensions"]?.arrayValue?.first?.arrayValue?.first?.stringValue == "Service",
                    sourceLocation: sourceLocation)
            #expect(document?["Service"]?.stringValue == "firebreak-test", sourceLocation: sourceLocation)
            let timestamp = Double(document?["_aws"]?["Timestamp"]?.intValue ?? 0) / 1000
            #expect(abs(timestamp - Date().timeIntervalSince1970) < 300, sourceLocation: sourceLocation)
            return document
        }
    }

    /// Deliveries answered 200 in one EMF document (nil when it has no such line).
    static func delivered(_ document: OCSFJSON) -> Int64? {
        guard document["status"]?.stringValue == "200" else { return nil }
        return document["firebreak_deliveries_total"]?.intValue
    }

    /// Every line of the output is one JSON object: an EMF line never cut into a log line, nor a log line into it.
    static func expectWholeJSONLines(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for line in lines where !line.isEmpty {
            #expect((try? OCSFJSON(parsing: line))?.objectValue != nil, "not one JSON object: \(line)", sourceLocation: sourceLocation)
        }
    }

    @Test func everyIntervalTheDeliveriesAreOnStdoutAsEMF() throws {
        let service = try ServiceProcess(environment: Self.emfEnvironment(intervalSeconds: 1))
        #expect(service.waitForLine(containing: "metrics written to stdout as CloudWatch EMF", timeout: 10) != nil)
        let id = "emf-interval-1"
        let response = try FirehoseIntakeTests.post(service.client(), requestID: id,
                                                    body: FirehoseFixture.flowDelivery(requestID: id, records: 2))
        #expect(response.status == 200)
        // A timer's flush (the service is not stopped) holds the delivery: the 200s of the interval it fell in.
        var found: Int64?
        let deadline = Date().addingTimeInterval(30)
        while found == nil, Date() < deadline, service.process.isRunning {
            found = Self.emfDocuments(service.logLines).lazy.compactMap(Self.delivered).first { $0 >= 1 }
            if found == nil { usleep(100_000) }
        }
        #expect(found == 1, "no EMF line with firebreak_deliveries_total status 200 in \(service.output)")
        // Intervals after it hold increases: every 200 line together counts the one delivery once.
        usleep(1_500_000)
        let total = Self.emfDocuments(service.logLines).compactMap(Self.delivered).reduce(0, +)
        #expect(total == 1)
        Self.expectWholeJSONLines(service.logLines)
        service.signal(SIGTERM)
        #expect(service.waitForExit(timeout: 30) == 0)
    }

    @Test func theLastIntervalIsWrittenAfterTheSIGTERMDrain() throws {
        // An hour between flushes: the only EMF lines are the final ones.
        let service = try ServiceProcess(environment: Self.emfEnvironment(intervalSeconds: 3600))
        let id = "emf-final-1"
        let response = try FirehoseIntakeTests.post(service.client(), requestID: id,
                                                    body: FirehoseFixture.flowDelivery(requestID: id, records: 2))
        #expect(response.status == 200)
        #expect(Self.emfDocuments(service.logLines).isEmpty)
        service.signal(SIGTERM)
        #expect(service.waitForExit(timeout: 30) == 0)
        let lines = service.logLines
        let stopped = try #require(lines.lastIndex { $0.contains("\"message\":\"stopped\"") }, "\(service.output)")
        #expect(!lines[..<stopped].contains(where: EMFValidator.isEMF))
        let final = Self.emfDocuments(Array(lines[stopped...]))
        #expect(final.compactMap(Self.delivered) == [1])
        #expect(final.contains { $0["firebreak_store_errors_total"]?.intValue == 0 })
        #expect(final.contains { $0["firebreak_events_total"]?.intValue == 10 && $0["type"]?.stringValue == "vpcflow" })
        Self.expectWholeJSONLines(lines)
    }
}
