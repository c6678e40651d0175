import Testing
@testable import FirebreakLogs

/// Route 53 Resolver query log records (shaped after the Route 53 Developer Guide's field list and example) through
/// every way they arrive: bare, CloudWatch Logs subscription, Firehose direct PUT.
@Suite struct Route53QueryLogTests {
    /// The Developer Guide's example record (resolver-query-logs-example-json), with documentation ids.
    static let example = #"{"srcaddr":"10.0.1.5","vpc_id":"vpc-0f1e2d3c4b5a69788","answers":[{"Rdata":"203.0.113.9","Type":"PTR","Class":"IN"}],"firewall_rule_group_id":"rslvr-frg-01234567890abcdef","firewall_rule_action":"BLOCK","query_name":"15.3.4.32.in-addr.arpa.","firewall_domain_list_id":"rslvr-fdl-01234567890abcdef","query_class":"IN","srcids":{"instance":"i-0123456789abcdef0"},"rcode":"NOERROR","query_type":"PTR","transport":"UDP","version":"1.100000","account_id":"123456789012","srcport":"56067","query_timestamp":"2021-02-04T17:51:55Z","region":"us-east-1"}"#

    static func record(_ name: String, rcode: String = "NOERROR", srcids: String = #"{"instance":"i-0123456789abcdef0"}"#) -> String {
        #"{"version":"1.100000","account_id":"123456789012","region":"us-east-1","vpc_id":"vpc-0f1e2d3c4b5a69788","query_timestamp":"2026-12-01T10:00:00Z","query_name":"\#(name)","query_type":"A","query_class":"IN","rcode":"\#(rcode)","answers":[],"srcaddr":"10.0.1.5","srcport":"56067","transport":"UDP","srcids":\#(srcids)}"#
    }

    static func dnsRecords(_ result: RecordDecodeResult) -> [Route53QueryRecord] {
        result.events.compactMap { if case .dnsQuery(let r) = $0.event { return r } else { return nil } }
    }

    @Test func bareRecordOfTheDocumentation() throws {
        let result = try RecordDecoder().decode(record: Array(Self.example.utf8), index: 2)
        #expect(result.issues.isEmpty)
        let records = Self.dnsRecords(result)
        try #require(records.count == 1)
        let r = records[0]
        #expect(result.events[0].event.kind == .route53)
        #expect(LogEventKind.route53.rawValue == "route53")
        #expect(r.queryName == "15.3.4.32.in-addr.arpa.")
        #expect(r.queryType == "PTR")
        #expect(r.rcode == "NOERROR")
        #expect(r.queryTimestamp == "2021-02-04T17:51:55Z")
        #expect(r.instanceID == "i-0123456789abcdef0")
        #expect(r.resolverEndpointID == nil)
        #expect(r.vpcID == "vpc-0f1e2d3c4b5a69788" && r.accountID == "123456789012" && r.region == "us-east-1")
        #expect(r.record["srcport"] == .string("56067"), "srcport is a string in the logs")
        #expect(r.record.values(at: "answers.Rdata") == [.string("203.0.113.9")])
        // The event as printed is the record itself, without the computed fields.
        #expect(result.events[0].event.jsonValue() == r.record)
        #expect(r.record[Route53QueryRecord.ComputedField.longestLabel] == nil)
        let line = result.events[0].jsonLine()
        #expect(line.hasPrefix(#"{"type":"route53","recordIndex":2,"event":{"srcaddr":"10.0.1.5""#))
    }

    @Test func computedFieldsOfTheQueryName() {
        let r = Route53QueryRecord(record: try! JSONParser().parse(Self.record("MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPJQWEZLSMRSWG5DXMFZQ.t.Tunnel.example.")))
        typealias F = Route53QueryRecord.ComputedField
        #expect(r.fields[F.normalizedName] == .string("mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpjqwezlsmrswg5dxmfzq.t.tunnel.example"))
        #expect(r.fields[F.labelCount] == .int(4))
        #expect(r.fields[F.longestLabel] == .int(60))
        #expect(r.fields[F.domain] == .string("tunnel.example"))
        #expect(r.fields[F.subdomain] == .string("mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpjqwezlsmrswg5dxmfzq.t"))
        guard case .double(let entropy)? = r.fields[F.entropy] else { Issue.record("no entropy"); return }
        #expect(entropy > 4.2)
        let plain = Route53QueryRecord(record: try! JSONParser().parse(Self.record("www.example.com.")))
        #expect(plain.fields[F.entropy] == .double(0), "'www' has one character")
        #expect(plain.fields[F.subdomain] == .string("www"))
        let apex = Route53QueryRecord(record: try! JSONParser().parse(Self.record("example.com")))
        #expect(apex.fields[F.domain] == .string("example.com") && apex.fields[F.subdomain] == .string(""))
        #expect(QueryNameFacts.entropy(of: "abcd") == 2)
        #expect(QueryNameFacts.entropy(of: "") == 0)
    }

    @Test func cloudWatchLogsSubscription() throws {
        let payload = CloudWatchLogsTests.payload(logGroup: "/aws/route53/resolver-query-logs",
                                                  messages: [Self.example, Self.record("nosuch.example.com.", rcode: "NXDOMAIN",
                                                                                       srcids: #"{"resolver_endpoint":"rslvr-in-0123456789abcdef0"}"#)])
        let result = try RecordDecoder().decode(record: payload, index: 0)
        #expect(result.issues.isEmpty)
        let records = Self.dnsRecords(result)
        try #require(records.count == 2)
        #expect(records[1].rcode == "NXDOMAIN")
        #expect(records[1].instanceID == nil)
        #expect(records[1].resolverEndpointID == "rslvr-in-0123456789abcdef0")
        #expect(result.events[1].context.logGroup == "/aws/route53/resolver-query-logs")
        #expect(result.events[1].context.cloudWatchEventID == "37480579458490841510417935670958911738223274529153351681")
    }

    @Test func firehoseDirectPut() throws {
        // Resolver query logging to Firehose: one record per JSON record, newline-terminated or not, and a record
        // holding several newline-separated records.
        let records: [[UInt8]] = [Array(Self.example.utf8), Array((Self.record("a.example.com.") + "\n").utf8),
                                  Array((Self.record("b.example.com.") + "\n" + Self.record("c.example.com.") + "\n").utf8)]
        let body = FirehoseDelivery(requestID: "r-1", timestampMillis: 1_764_583_200_000, records: records).jsonBody()
        let result = try RecordDecoder().decodeFile(body)
        #expect(result.issues.isEmpty)
        let names = Self.dnsRecords(result).map(\.queryName)
        #expect(names == ["15.3.4.32.in-addr.arpa.", "a.example.com.", "b.example.com.", "c.example.com."])
        #expect(result.events.map(\.context.recordIndex) == [0, 1, 2, 2])
    }

    @Test func otherJSONStaysGeneric() throws {
        for text in [#"{"query_name":"a.example.com."}"#, #"{"query_name":"a","query_type":"A","query_timestamp":5}"#] {
            let result = try RecordDecoder().decode(record: Array(text.utf8), index: 0)
            #expect(result.events.map(\.event.kind) == [.json])
        }
    }
}
