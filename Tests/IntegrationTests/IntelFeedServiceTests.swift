import FirebreakLogs
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `firebreak serve` with an `intel.feeds` entry on a loopback HTTP server (Python's `http.server`, which answers
/// `If-Modified-Since` with 304): the fetched list reaches the rules, and `/metrics` counts the fetch.
@Suite(.serialized) struct IntelFeedServiceTests {
    static let knownBadRule = "85d6cf3a-660c-4454-87b1-3b995b2f27dd"

    /// `python3 -m http.server` on 127.0.0.1 with an ephemeral port, serving `directory`.
    final class StaticServer: @unchecked Sendable {   // set once in init
        let process = Process()
        private(set) var port: UInt16 = 0

        init(directory: URL, log: URL) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory.path]
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: log)
            process.standardError = FileHandle.nullDevice
            try process.run()
            // "Serving HTTP on 127.0.0.1 port 41235 (http://127.0.0.1:41235/) ..."
            var text = ""
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline, !text.contains(") ...") {
                usleep(50_000)
                text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            }
            guard let range = text.range(of: "port "), let port = UInt16(text[range.upperBound...].prefix { $0.isNumber }) else {
                kill(process.processIdentifier, SIGKILL)
                throw NSError(domain: "StaticServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "http.server did not start: \(text)"])
            }
            self.port = port
        }

        deinit { kill(process.processIdentifier, SIGKILL) }
    }

    @Test func aFetchedFeedIsUsedByTheRulesAndCounted() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fb-feeds-\(UUID().uuidString)")
        let intel = root.appendingPathComponent("intel"), served = root.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        // The built-in intel folder without known_bad_ips.txt: the feed provides it.
        try FileManager.default.copyItem(at: FirehoseFixture.packageRoot.appendingPathComponent("config/intel"), to: intel)
        try FileManager.default.removeItem(at: intel.appendingPathComponent("known_bad_ips.txt"))
        try "# loopback feed\n203.0.113.99\n".write(to: served.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
        let http = try StaticServer(directory: served, log: root.appendingPathComponent("http.log"))

        let feeds = #"[{"name":"known_bad_ips","url":"http://127.0.0.1:\#(http.port)/bad.txt?key=s3cr3t","format":"plain","refresh":"5m"}]"#
        let service = try ServiceProcess(environment: ["FIREBREAK_INTEL_FOLDER": intel.path, "FIREBREAK_INTEL_FEEDS": feeds])
        #expect(service.waitForLine(containing: "intel feed updated", timeout: 15) != nil, "\(service.output)")
        #expect(service.waitForLine(containing: "rules reloaded", timeout: 10) != nil)
        #expect(FileManager.default.fileExists(atPath: intel.appendingPathComponent("known_bad_ips.txt").path))

        let id = "feed-1"
        let line = "2 123456789012 eni-1 10.0.1.5 203.0.113.99 43512 443 6 3 180 1700000100 1700000160 ACCEPT OK"
        let body = FirehoseFixture.body(requestID: id, records: [Gzip.compress(FirehoseFixture.cloudWatchPayload(messages: [line]))])
        FirehoseIntakeTests.expectContract(try FirehoseIntakeTests.post(try service.client(), requestID: id, body: body), status: 200, requestID: id)
        #expect(service.waitForLine(containing: Self.knownBadRule, timeout: 10) != nil)

        let metrics = try service.adminClient().roundTrip(method: "GET", path: "/metrics").text
        #expect(metrics.contains("firebreak_intel_feed_fetches_total{feed=\"known_bad_ips\",result=\"updated\"} 1"), "\(metrics)")
        #expect(metrics.contains("firebreak_intel_feed_age_seconds{feed=\"known_bad_ips\"} "))
        // The warning for the missing copy at start names the host, never the query's key.
        #expect(service.output.contains("has no local copy yet"))
        #expect(!service.output.contains("s3cr3t"))
        service.signal(SIGTERM)
        _ = service.waitForExit(timeout: 10)
    }
}
