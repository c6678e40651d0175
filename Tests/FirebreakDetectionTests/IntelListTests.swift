import Foundation
import FirebreakLogs
import Testing
@testable import FirebreakDetection
import FirebreakTestSupport

/// Paths of the intel fixtures and the shared test data.
enum IntelPaths {
    static let packageRoot = TestPaths.packageRoot
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures/intel")
    static let ipsum = TestPaths.sharedTestdata.appendingPathComponent("intel/ipsum")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
}

private func ip(_ text: String) -> IPAddress { IPAddress(text)! }

private func parse(_ text: String, format: IntelListFormat = .auto, minimumCount: Int = 1) throws -> IntelList {
    try IntelListLoader(format: format, minimumCount: minimumCount).parse(Array(text.utf8), name: "test", source: "test.txt")
}

@Suite struct IntelListLoaderTests {
    @Test func plainListWithCommentsCidrsAndIPv6() throws {
        let list = try IntelListLoader(format: .plain).load(path: IntelPaths.fixture("known_bad_ips.txt"))
        #expect(list.name == "known_bad_ips")
        #expect(list.statistics.entries == 5)
        #expect(list.statistics.badLines == 0)
        #expect(list.statistics.lines == 9)
        #expect(list.contains(ip("192.0.2.66")))
        #expect(!list.contains(ip("192.0.2.67")))
        #expect(list.contains(ip("198.51.100.255")))
        #expect(list.contains(ip("203.0.113.7")))
        #expect(list.contains(ip("2001:db8:bad:ffff::1")))
        #expect(!list.contains(ip("2001:db8:bae::1")))
        #expect(list.contains(ip("2001:db8::dead:beef")))
        #expect(!list.contains(ip("2001:db8::dead:bef0")))
        #expect(list.statistics.milliseconds >= 0)
    }

    @Test func spamhausDrop() throws {
        let list = try IntelListLoader(format: .spamhausDrop).load(path: IntelPaths.fixture("spamhaus_drop.txt"), name: "drop")
        #expect(list.name == "drop")
        #expect(list.statistics.entries == 2)
        #expect(list.contains(ip("192.0.2.200")))
        #expect(!list.contains(ip("192.0.2.127")))
        #expect(list.contains(ip("198.19.255.255")))
        // The same file read with auto-detection.
        let auto = try IntelListLoader().load(path: IntelPaths.fixture("spamhaus_drop.txt"))
        #expect(auto.addresses == list.addresses)
    }

    @Test func spamhausDropJSONLines() throws {
        let list = try parse("""
        {"cidr":"192.0.2.0/24","sblid":"SBL000001","rir":"arin"}
        {"cidr":"2001:db8::/32","sblid":"SBL000002","rir":"ripencc"}
        {"type":"metadata","timestamp":1767225600,"size":2,"records":2}
        """, format: .spamhausDrop)
        #expect(list.statistics.entries == 2)
        #expect(list.contains(ip("192.0.2.9")))
        #expect(list.contains(ip("2001:db8:1::")))
    }

    @Test func ipsumWithMinimumCount() throws {
        let path = IntelPaths.fixture("ipsum_sample.txt")
        let all = try IntelListLoader(format: .ipsum).load(path: path)
        #expect(all.statistics.entries == 3)
        let three = try IntelListLoader(format: .ipsum, minimumCount: 3).load(path: path)
        #expect(three.statistics.entries == 2)
        #expect(three.statistics.belowMinimum == 1)
        #expect(three.contains(ip("192.0.2.10")))
        #expect(three.contains(ip("192.0.2.11")))
        #expect(!three.contains(ip("192.0.2.12")))
        // Auto-detection reads the counts too.
        let auto = try IntelListLoader(minimumCount: 7).load(path: path)
        #expect(auto.statistics.entries == 1)
    }

    @Test func ipsumLineWithoutCountIsBadInIpsumFormat() throws {
        let list = try parse("192.0.2.1\t4\n192.0.2.2\n", format: .ipsum)
        #expect(list.statistics.entries == 1)
        #expect(list.statistics.firstBadLines.map(\.line) == [2])
        #expect(list.statistics.firstBadLines.first?.reason == "expected IP<TAB>count")
    }

    @Test func badLinesAreCountedWithLineNumbersAndSkipped() throws {
        let list = try parse("""
        # header
        192.0.2.1
        not-an-ip
        192.0.2.300

        10.0.0.0/33
        2001:db8::1
        192.0.2.2 extra words
        \r
        192.0.2.3\r
        """)
        #expect(list.statistics.entries == 3)
        #expect(list.statistics.badLines == 4)
        #expect(list.statistics.firstBadLines.map(\.line) == [3, 4, 6, 8])
        #expect(list.statistics.firstBadLines[0].description == "test.txt:3: not an IP address or CIDR: 'not-an-ip'")
        #expect(list.statistics.firstBadLines[2].reason == "not a CIDR")
        #expect(list.contains(ip("192.0.2.3")))  // CRLF line endings
        #expect(list.contains(ip("2001:db8::1")))
    }

    @Test func onlyTheFirstBadLinesAreKept() throws {
        let text = (0..<50).map { "bad\($0)" }.joined(separator: "\n") + "\n192.0.2.1\n"
        let list = try parse(text)
        #expect(list.statistics.badLines == 50)
        #expect(list.statistics.firstBadLines.count == IntelListLoader.maxReportedBadLines)
    }

    @Test func plainFormatRefusesCounts() throws {
        let list = try parse("192.0.2.1\t4\n192.0.2.2\n", format: .plain)
        #expect(list.statistics.entries == 1)
        #expect(list.statistics.firstBadLines.first?.line == 1)
    }

    @Test func aListWithoutAnyEntryIsAnError() throws {
        let error = #expect(throws: RuleError.self) {
            try parse("<html>\n<body>Rate limited</body>\n</html>\n")
        }
        #expect(error?.kind == .invalidList)
        #expect(error?.source == "test.txt")
        #expect(error?.message.contains("no IP address or CIDR in 3 lines") == true)
        #expect(error?.message.contains("first at line 1") == true)
        #expect(throws: RuleError.self) { try parse("# only comments\n\n") }
        #expect(throws: RuleError.self) { try parse("") }
    }

    @Test func everyEntryBelowTheMinimumIsAnEmptyListNotAnError() throws {
        let list = try parse("192.0.2.1\t1\n", minimumCount: 5)
        #expect(list.addresses.isEmpty)
        #expect(list.statistics.belowMinimum == 1)
    }

    @Test func aMissingFileIsAnIOError() {
        let error = #expect(throws: RuleError.self) {
            try IntelListLoader().load(path: IntelPaths.fixture("does-not-exist.txt"))
        }
        #expect(error?.kind == .io)
        #expect(error?.source.hasSuffix("does-not-exist.txt") == true)
    }

    @Test func realIpsumFeed() throws {
        let path = IntelPaths.ipsum.appendingPathComponent("ipsum.txt").path
        // Count the entries independently: lines that are neither blank nor comments.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expected = text.split(separator: "\n").filter { !$0.isEmpty && !$0.hasPrefix("#") }.count
        #expect(expected > 100_000)

        let list = try IntelListLoader(format: .ipsum).load(path: path, name: "ipsum")
        #expect(list.statistics.entries == expected)
        #expect(list.statistics.badLines == 0)
        #expect(list.statistics.ranges <= expected)
        #expect(list.contains(ip("77.90.185.20")))
        #expect(list.contains(ip("2.57.122.53")))
        #expect(list.contains(ip("45.154.244.193")))
        #expect(!list.contains(ip("8.8.8.8")))
        #expect(!list.contains(ip("1.1.1.1")))
        #expect(!list.contains(ip("192.0.2.1")))
        #expect(!list.contains(ip("2001:db8::1")))

        // The feed's own level-3 file is the addresses listed at least three times.
        let three = try IntelListLoader(format: .ipsum, minimumCount: 3).load(path: path)
        let levelThree = try IntelListLoader(format: .plain).load(path: IntelPaths.ipsum.appendingPathComponent("levels/3.txt").path)
        #expect(three.addresses == levelThree.addresses)
        #expect(three.statistics.entries + three.statistics.belowMinimum == expected)
    }
}

@Suite struct IntelRegistryTests {
    @Test func resolvesListsAndValueListsAndNothingElse() throws {
        let bad = try parse("192.0.2.66\n")
        let renamed = IntelList(name: "known_bad_ips", addresses: bad.addresses, statistics: bad.statistics)
        let registry = try IntelRegistry(lists: [renamed], valueLists: ["expected_egress_ports": ["80", "443"]])
        guard case .addresses(let set)? = registry.resolve("known_bad_ips") else {
            Issue.record("known_bad_ips is not an address list")
            return
        }
        #expect(set.contains(ip("192.0.2.66")))
        guard case .values(let ports)? = registry.resolve("%expected_egress_ports%") else {
            Issue.record("expected_egress_ports is not a value list")
            return
        }
        #expect(ports == ["80", "443"])
        #expect(registry.resolve("unknown") == nil)
        #expect(registry.resolve("%%") == nil)
        #expect(registry.statistics["known_bad_ips"]?.entries == 1)
    }

    @Test func nameBoundTwiceAcrossKindsIsAnError() throws {
        let list = try parse("192.0.2.66\n")
        let error = #expect(throws: RuleError.self) {
            try IntelRegistry(lists: [list], valueLists: ["test": ["1"]])
        }
        #expect(error?.message.contains("already an intel list") == true)
        #expect(throws: RuleError.self) {
            try IntelRegistry(lists: [IntelList(name: "bad name", addresses: list.addresses, statistics: list.statistics)])
        }
    }

    @Test func loadsADirectoryAndBindings() throws {
        let sample = IntelPaths.fixture("ipsum_sample.txt")
        let registry = try IntelRegistry.load(
            directory: IntelPaths.fixtures.path,
            bindings: [
                .init(name: "ipsum_sample", path: sample, format: .ipsum, minimumCount: 3),  // replaces the directory's
                try .parse("drop=\(IntelPaths.fixture("spamhaus_drop.txt"))", format: .spamhausDrop),
            ],
            valueLists: ["admin_ports": ["22", "3389"]])
        #expect(Set(registry.lists.keys) == ["known_bad_ips", "spamhaus_drop", "ipsum_sample", "drop"])
        #expect(registry.statistics["ipsum_sample"]?.entries == 2)
        #expect(registry.statistics["known_bad_ips"]?.entries == 5)
        #expect(registry.statistics["drop"]?.source.hasSuffix("spamhaus_drop.txt") == true)
        if case .addresses(let set)? = registry.resolve("known_bad_ips") {
            #expect(set.contains(ip("198.51.100.42")))
        } else {
            Issue.record("known_bad_ips missing")
        }
        if case .values(let ports)? = registry.resolve("admin_ports") {
            #expect(ports == ["22", "3389"])
        } else {
            Issue.record("admin_ports missing")
        }
    }

    @Test func loadErrorsNameTheFile() throws {
        #expect(throws: RuleError.self) { try IntelRegistry.load(directory: "/nonexistent/intel") }
        #expect(throws: RuleError.self) { try IntelRegistry.Binding.parse("no-equals-sign") }
        #expect(throws: RuleError.self) { try IntelRegistry.Binding.parse("=path") }
        #expect(throws: RuleError.self) { try IntelRegistry.Binding.parse("name=") }
        let binding = try IntelRegistry.Binding.parse("bad=/tmp/a=b.txt")
        #expect(binding == IntelRegistry.Binding(name: "bad", path: "/tmp/a=b.txt"))
    }
}
