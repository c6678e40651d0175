import FirebreakDetection
import FirebreakLogs
import FirebreakTestSupport
import Foundation
import Logging
import Synchronization
import Testing
@testable import FirebreakServer

/// `intel.feeds` fetched from a loopback server into a temporary intel folder, and the shipped known-bad rule
/// evaluated with what was fetched.
@Suite struct IntelFeedFetcherTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    final class Folder: Sendable {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("firebreak-feeds-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { path + "/" + name }
        func text(_ name: String) -> String? { try? String(contentsOfFile: file(name), encoding: .utf8) }
        func inode(_ name: String) -> Int? { ((try? FileManager.default.attributesOfItem(atPath: file(name)))?[.systemFileNumber] as? NSNumber)?.intValue }
    }

    static func limits(total: Duration = .seconds(5)) -> IntelFeedFetcher.Limits {
        var limits = IntelFeedFetcher.Limits()
        limits.connectTimeout = .seconds(2)
        limits.totalTimeout = total
        limits.tick = .milliseconds(100)
        return limits
    }

    /// A flow from an instance to `destination`.
    static func flow(to destination: String) throws -> DecodedEvent {
        let line = "2 123456789012 eni-0a1b2c3d 10.0.1.5 \(destination) 49152 443 6 1 40 1764900000 1764900010 ACCEPT OK"
        return DecodedEvent(event: .flow(try FlowLogParser().parse(line)), context: LogContext(recordIndex: 0))
    }

    static func matches(_ engine: DetectionEngine, _ destination: String) throws -> Bool {
        !engine.evaluate([try flow(to: destination)], receivedMillis: 0).isEmpty
    }

    @Test func fetchedListIsUsedByTheRulesThenRevalidatedThenReplaced() throws {
        let server = try FeedServer()
        defer { server.stop() }
        let folder = try Folder()
        let feed = IntelFeed(name: "known_bad_ips", url: server.url, format: .plain, refreshSeconds: 3600)
        var intel = IntelConfiguration(folder: folder.path)
        intel.pendingLists = ["known_bad_ips"]
        let rule = try TestPaths.package("config/rules/vpcflow/known_bad_ip.yml").path
        let engine = try DetectionEngine(sources: DetectionSources(rulePaths: [rule], intel: intel))
        let metrics = MetricsRegistry()
        let reloads = FeedLocked(0)
        let fetcher = IntelFeedFetcher(feeds: [feed], folder: folder.path, metrics: metrics, logger: Self.logger,
                                       limits: Self.limits()) { _ in
            reloads.withLock { $0 += 1 }
            #expect(engine.reload().applied)
        }
        // Before the first fetch: an empty list, the rule loads and matches nothing.
        #expect(fetcher.missingCopies == [feed])
        #expect(try !Self.matches(engine, "198.51.100.7"))

        server.answer.withLock { $0 = .feed(body: "# test feed\n198.51.100.7\n203.0.113.0/24\n", etag: "\"v1\"") }
        #expect(fetcher.fetch(feed) == .updated)
        #expect(server.lastRequest?.ifNoneMatch == nil)
        #expect(folder.text("known_bad_ips.txt") == "# test feed\n198.51.100.7\n203.0.113.0/24\n")
        #expect(try Self.matches(engine, "198.51.100.7"))
        #expect(try Self.matches(engine, "203.0.113.200"))
        #expect(try !Self.matches(engine, "192.0.2.1"))
        #expect(fetcher.missingCopies.isEmpty)
        #expect((fetcher.age(of: "known_bad_ips") ?? 99) < 5)

        // Unchanged: the ETag and Last-Modified go back, 304 leaves the file alone.
        let inode = folder.inode("known_bad_ips.txt")
        #expect(fetcher.fetch(feed) == .notModified)
        #expect(server.lastRequest?.ifNoneMatch == "\"v1\"")
        #expect(server.lastRequest?.ifModifiedSince == "Sat, 05 Dec 2026 07:00:00 GMT")
        #expect(folder.inode("known_bad_ips.txt") == inode)
        #expect(reloads.withLock { $0 } == 1)

        // Changed: replaced, and the rules follow.
        server.answer.withLock { $0 = .feed(body: "192.0.2.1\n", etag: "\"v2\"") }
        #expect(fetcher.fetch(feed) == .updated)
        #expect(folder.inode("known_bad_ips.txt") != inode)
        #expect(try Self.matches(engine, "192.0.2.1"))
        #expect(try !Self.matches(engine, "198.51.100.7"))
        #expect(reloads.withLock { $0 } == 2)
        let state = try JSONDecoder().decode(IntelFeedState.self, from: Data(contentsOf: URL(fileURLWithPath: folder.file("known_bad_ips.feed.json"))))
        #expect(state.etag == "\"v2\"")

        #expect(metrics.value(IntelFeedFetcher.fetchesMetric, ["feed": "known_bad_ips", "result": "updated"]) == 2)
        #expect(metrics.value(IntelFeedFetcher.fetchesMetric, ["feed": "known_bad_ips", "result": "not_modified"]) == 1)
        let rendered = metrics.render()
        #expect(rendered.contains("firebreak_intel_feed_age_seconds{feed=\"known_bad_ips\"}"))
        // Nothing in the folder but the list and its state: the temporary file was renamed away.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["known_bad_ips.feed.json", "known_bad_ips.txt"])
    }

    @Test func failuresKeepTheLastGoodCopyAndAreCounted() throws {
        let server = try FeedServer()
        defer { server.stop() }
        let folder = try Folder()
        let feed = IntelFeed(name: "drop", url: server.url, format: .spamhausDrop, refreshSeconds: 3600)
        let metrics = MetricsRegistry()
        let updates = FeedLocked(0)
        let fetcher = IntelFeedFetcher(feeds: [feed], folder: folder.path, metrics: metrics, logger: Self.logger,
                                       limits: Self.limits(total: .seconds(1))) { _ in updates.withLock { $0 += 1 } }
        let good = "{\"cidr\":\"192.0.2.0/24\",\"sblid\":\"SBL1\",\"rir\":\"arin\"}\n{\"type\":\"metadata\",\"records\":1}\n"
        server.answer.withLock { $0 = .feed(body: good, etag: "\"a\"") }
        #expect(fetcher.fetch(feed) == .updated)

        let answers: [FeedServer.Answer] = [.status(500), .body("<html><body>Service unavailable</body></html>"), .body(""),
                                            .status(404), .delay(seconds: 3)]
        for answer in answers {
            server.answer.withLock { $0 = answer }
            #expect(fetcher.fetch(feed) == .failed, "\(answer)")
            #expect(folder.text("drop.txt") == good)
        }
        #expect(updates.withLock { $0 } == 1)
        #expect(metrics.value(IntelFeedFetcher.fetchesMetric, ["feed": "drop", "result": "failed"]) == Double(answers.count))
        #expect(metrics.value(IntelFeedFetcher.fetchesMetric, ["feed": "drop", "result": "updated"]) == 1)
        // The age is that of the last good copy, not of the last attempt.
        #expect(fetcher.age(of: "drop") != nil)

        // Nothing listens: a failure too.
        let gone = IntelFeed(name: "gone", url: URL(string: "http://127.0.0.1:9/feed")!, format: .plain, refreshSeconds: 3600)
        let other = IntelFeedFetcher(feeds: [gone], folder: folder.path, metrics: metrics, logger: Self.logger,
                                     limits: Self.limits()) { _ in }
        #expect(other.fetch(gone) == .failed)
        #expect(!FileManager.default.fileExists(atPath: folder.file("gone.txt")))
        #expect(other.age(of: "gone") == nil)
    }

    @Test func startFetchesAFeedWithoutACopyAtOnceAndARecentOneNot() throws {
        let server = try FeedServer()
        defer { server.stop() }
        let folder = try Folder()
        server.answer.withLock { $0 = .feed(body: "198.51.100.7\n", etag: "\"s\"") }
        let feed = IntelFeed(name: "bad", url: server.url, format: .plain, refreshSeconds: 3600)
        let updated = FeedLocked(false)
        let fetcher = IntelFeedFetcher(feeds: [feed], folder: folder.path, metrics: MetricsRegistry(), logger: Self.logger,
                                       limits: Self.limits()) { _ in updated.withLock { $0 = true } }
        fetcher.start()
        let deadline = Date().addingTimeInterval(10)
        while !updated.withLock({ $0 }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.5)   // a few more ticks: not due again for an hour
        fetcher.stop()
        #expect(updated.withLock { $0 })
        #expect(server.requestCount == 1)

        // A restart with a copy checked just now waits for the refresh interval.
        let restarted = IntelFeedFetcher(feeds: [feed], folder: folder.path, metrics: MetricsRegistry(), logger: Self.logger,
                                         limits: Self.limits()) { _ in }
        restarted.start()
        Thread.sleep(forTimeInterval: 0.5)
        restarted.stop()
        #expect(server.requestCount == 1)
        #expect(restarted.age(of: "bad") != nil)
    }

    @Test func formatsAreCheckedBeforeAnythingIsWritten() throws {
        func entries(_ format: IntelFeedFormat, _ text: String) throws -> Int {
            try format.fileContents(Array(text.utf8), source: "test").entries
        }
        #expect(try entries(.plain, "# c\n192.0.2.1\n198.51.100.0/24 # net\n2001:db8::/32\n") == 3)
        #expect(try entries(.ipsum, "# IPsum Threat Intelligence Feed\n192.0.2.1\t5\n192.0.2.2\t1\n") == 2)
        #expect(try entries(.spamhausDrop, "{\"cidr\":\"192.0.2.0/24\",\"sblid\":\"SBL1\"}\n{\"type\":\"metadata\"}\n") == 1)
        #expect(try entries(.spamhausDrop, "192.0.2.0/24 ; SBL1\n") == 1)
        #expect(try entries(.feodo, "# Feodo Tracker\n#\n192.0.2.10\n192.0.2.11\n") == 2)
        let json = #"[{"ip_address":"192.0.2.20","port":443,"status":"online","malware":"QakBot"},{"ip_address":"192.0.2.21","port":8080}]"#
        let feodo = try IntelFeedFormat.feodo.fileContents(Array(json.utf8), source: "test")
        #expect(feodo.entries == 2)
        #expect(String(decoding: feodo.bytes, as: UTF8.self).hasSuffix("192.0.2.20\n192.0.2.21\n"))
        let domains = try IntelFeedFormat.domains.fileContents(Array("# list\nEvil.Example.com\nbad_host\n1.2.3.4\nc2.example.net # c2\n".utf8),
                                                              source: "test")
        #expect(String(decoding: domains.bytes, as: UTF8.self) == "evil.example.com\nc2.example.net\n")
        #expect(IntelFeed(name: "d", url: URL(string: "https://x.example")!, format: .domains, refreshSeconds: 300).fileName == "d.domains")

        for (format, garbage) in [(IntelFeedFormat.plain, "<html>oops</html>"), (.ipsum, "192.0.2.1\n"), (.spamhausDrop, ""),
                                  (.feodo, "[]"), (.feodo, "{\"ip_address\":\"192.0.2.1\"}"), (.feodo, "[{\"ip\":\"192.0.2.1\"}]"),
                                  (.domains, "<html>\n</html>\n")] {
            #expect(throws: IntelFeedError.self, "\(format) \(garbage)") { try entries(format, garbage) }
        }
    }

    @Test func configurationReadsFeedsAndNamesTheKeyInErrors() throws {
        let folder = try Folder()
        func load(_ feeds: String, intelFolder: String? = nil) throws(ConfigurationError) -> ServiceConfiguration {
            try ServiceConfiguration.load(environment: ["FIREBREAK_INTEL_FOLDER": intelFolder ?? folder.path, "FIREBREAK_INTEL_FEEDS": feeds])
        }
        let settings = try load(#"[{"name":"ipsum","url":"https://raw.githubusercontent.com/stamparm/ipsum/master/ipsum.txt","format":"ipsum","refresh":"24h"},"#
            + #"{"name":"feodo_c2","url":"http://127.0.0.1:8000/ipblocklist.json","format":"feodo"}]"#)
        #expect(settings.intelFeeds.map(\.name) == ["ipsum", "feodo_c2"])
        #expect(settings.intelFeeds.map(\.refreshSeconds) == [86_400, 3600])
        #expect(settings.intelFeeds.map(\.format) == [.ipsum, .feodo])
        #expect(settings.detection.intel.pendingLists == ["ipsum", "feodo_c2"])
        #expect(try load("").intelFeeds.isEmpty)

        let cases: [(String, String)] = [
            (#"[{"name":"Bad-Name","url":"https://x.example/a","format":"plain"}]"#, "name must be lowercase"),
            (#"[{"name":"a","url":"http://example.com/a","format":"plain"}]"#, "url must be an https://"),
            (#"[{"name":"a","url":"https://x.example/a","format":"csv"}]"#, "format must be one of plain, ipsum, spamhaus-drop, feodo, domains"),
            (#"[{"name":"a","url":"https://x.example/a","format":"plain","refresh":"1m"}]"#, "refresh must be a duration from 5m"),
            (#"[{"name":"a","url":"https://x.example/a","format":"plain","every":"1h"}]"#, "only name, url, format and refresh"),
            (#"[{"name":"a","url":"https://x.example/a","format":"plain"},{"name":"a","url":"https://x.example/b","format":"plain"}]"#, "used twice"),
        ]
        for (feeds, expected) in cases {
            let error = #expect(throws: ConfigurationError.self) { try load(feeds) }
            #expect(error?.description.contains("'intel.feeds'") == true)
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
        }
        let noFolder = #expect(throws: ConfigurationError.self) {
            try load(#"[{"name":"a","url":"https://x.example/a","format":"plain"}]"#, intelFolder: "")
        }
        #expect(noFolder?.description.contains("intel.folder") == true)
    }
}
