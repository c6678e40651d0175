import FirebreakLogs
import Foundation
import Testing
@testable import FirebreakDetection
import FirebreakTestSupport

/// Domain lists (`config/intel/*.domains`): suffix matching, loading, and `%name%` placeholders in rules.
@Suite struct DomainListTests {
    @Test func suffixMatching() {
        let set = DomainSet(["evil.example", "*.Wild.Example.", ".dot.example"])
        #expect(set.count == 3)
        for name in ["evil.example", "a.b.evil.example", "evil.example.", "EVIL.Example", "x.wild.example", "wild.example",
                     "dot.example", "a.dot.example."] {
            #expect(set.contains(name), "\(name)")
        }
        for name in ["notevil.example", "evil.example.org", "example", "", ".", "evil", "evil.examples"] {
            #expect(!set.contains(name), "\(name)")
        }
        #expect(!DomainSet().contains("evil.example"))
        #expect(DomainSet(["a.example"]).union(DomainSet(["b.example"])).contains("x.b.example"))
    }

    @Test func loaderCountsBadLinesAndRejectsAnEmptyList() throws {
        let text = "# header\n\nevil.example   # C2\nmalware-c2.test\nnot a domain\nbad!chars.example\n" + String(repeating: "a", count: 64) + ".example\n"
        let list = try DomainListLoader().parse(text, name: "known_bad_domains", source: "test.domains")
        #expect(list.statistics.entries == 2)
        #expect(list.statistics.badLines == 3)
        #expect(list.statistics.firstBadLines.map(\.line) == [5, 6, 7])
        #expect(list.contains("x.malware-c2.test."))
        #expect(throws: RuleError.self) { try DomainListLoader().parse("# nothing\n\n", name: "x", source: "empty.domains") }
        #expect(throws: RuleError.self) { try DomainListLoader().parse("<html>\n", name: "x", source: "page.domains") }
    }

    @Test func shippedListsLoadFromTheIntelFolder() throws {
        var problems: [RuleError] = []
        let folder = TestPaths.packageRoot.appendingPathComponent("config/intel").path
        let (registry, sizes) = IntelRegistry.load(IntelConfiguration(folder: folder), problems: &problems)
        #expect(problems.isEmpty, "\(problems)")
        #expect(sizes["known_bad_domains"] == 3)
        #expect((sizes["mining_pool_domains"] ?? 0) > 5)
        guard case .domains(let bad)? = registry.resolve("%known_bad_domains%") else {
            Issue.record("known_bad_domains is not a domain list"); return
        }
        #expect(bad.contains("c2.evil.example.") && !bad.contains("notevil.example"))
        #expect(registry.statistics["known_bad_domains"]?.entries == 3)
        // The directory loader of `firebreak rules validate --intel-dir` reads them too.
        let same = try IntelRegistry.load(directory: folder)
        #expect(same.domainLists["mining_pool_domains"] != nil)
        // A name bound twice (IP list and domain list) is an error.
        var registryWithClash = registry
        let clash = DomainList(name: "known_bad_ips", domains: DomainSet(["a.example"]), statistics: .init(source: "clash.domains"))
        #expect(throws: RuleError.self) { try registryWithClash.add(clash) }
    }

    static func route53Rule(_ detection: String) -> String {
        """
        title: test
        id: test-rule
        logsource:
            product: aws
            service: route53
        detection:
        \(detection)
        level: high
        """
    }

    static func dnsEvent(_ name: String) throws -> DetectionEvent {
        let text = #"{"version":"1.100000","account_id":"123456789012","region":"us-east-1","vpc_id":"vpc-0f1e2d3c4b5a69788","query_timestamp":"2026-12-01T10:00:00Z","query_name":"\#(name)","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[],"srcaddr":"10.0.1.5","srcport":"56067","transport":"UDP","srcids":{"instance":"i-0123456789abcdef0"}}"#
        return DetectionEvent(DecodedEvent(event: .dnsQuery(Route53QueryRecord(record: try JSONParser().parse(text))),
                                           context: LogContext(recordIndex: 0)))
    }

    @Test func placeholderInARule() throws {
        let placeholders = StaticPlaceholders(["bad": .domains(DomainSet(["evil.example"]))])
        let rule = try SigmaTestSupport.compile(Self.route53Rule("""
                selection:
                    query_name|expand: '%bad%'
                condition: selection
            """), placeholders: placeholders)
        #expect(rule.matches(try Self.dnsEvent("c2.evil.example.")))
        #expect(rule.matches(try Self.dnsEvent("EVIL.EXAMPLE")))
        #expect(!rule.matches(try Self.dnsEvent("notevil.example.")))
        // A domain list must be the whole value, and takes no string modifier.
        for detection in ["    selection:\n        query_name|expand: 'x.%bad%'\n    condition: selection",
                          "    selection:\n        query_name|expand|contains: '%bad%'\n    condition: selection",
                          "    selection:\n        query_name|expand|re: '%bad%'\n    condition: selection"] {
            #expect(throws: RuleError.self, "\(detection)") {
                try SigmaTestSupport.compile(Self.route53Rule(detection), placeholders: placeholders)
            }
        }
    }
}
