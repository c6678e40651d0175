import FirebreakLogs
import Foundation

/// Builds Firehose deliveries the way CloudWatch Logs and Firehose do for VPC Flow Logs:
/// records of base64(gzip(CloudWatch Logs JSON)), each holding one log stream's batch of
/// default-format flow lines with realistic values (private and public IPv4, ephemeral ports,
/// well-known ports, ACCEPT/REJECT, NODATA now and then).
struct FlowLogGenerator {
    private var state: UInt64
    private var requestCounter = 0

    init(seed: UInt64) { state = seed }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func line(eni: String, start: Int) -> String {
        if below(200) == 0 {
            return "2 123456789012 \(eni) - - - - - - - \(start) \(start + 60) - NODATA"
        }
        let inbound = below(2) == 0
        let local = "10.\(below(4)).\(below(256)).\(1 + below(254))"
        let remote = below(3) == 0 ? "10.\(below(4)).\(below(256)).\(1 + below(254))"
                                   : "\(1 + below(223)).\(below(256)).\(below(256)).\(1 + below(254))"
        let wellKnown = [22, 80, 443, 3389, 53, 123, 5432, 8080][below(8)]
        let ephemeral = 32768 + below(28232)
        let proto = wellKnown == 53 || wellKnown == 123 ? 17 : (below(50) == 0 ? 1 : 6)
        let packets = 1 + below(2000)
        let bytes = packets * (40 + below(1400))
        let action = below(10) == 0 ? "REJECT" : "ACCEPT"
        let (src, dst, sport, dport) = inbound ? (remote, local, ephemeral, wellKnown) : (local, remote, ephemeral, wellKnown)
        return "2 123456789012 \(eni) \(src) \(dst) \(proto == 1 ? 0 : sport) \(proto == 1 ? 0 : dport) \(proto) \(packets) \(bytes) \(start) \(start + below(60)) \(action) OK"
    }

    /// Everyday traffic as a rule engine sees it: clients inside the VPC reaching expected services
    /// (443, 80, 53, 123) and their answers, with about one record in `anomalyEvery` unusual (a
    /// REJECT, an unexpected port, an inbound probe).
    mutating func everydayLine(eni: String, start: Int, anomalyEvery: Int = 100) -> String {
        if below(anomalyEvery) == 0 { return line(eni: eni, start: start) }
        let local = "10.\(below(4)).\(below(256)).\(1 + below(254))"
        let remote = "\(1 + below(223)).\(below(256)).\(below(256)).\(1 + below(254))"
        let service = [443, 443, 443, 80, 53, 123][below(6)]
        let proto = service == 53 || service == 123 ? 17 : 6
        let ephemeral = 32768 + below(28232)
        let packets = 1 + below(2000)
        let bytes = packets * (40 + below(1400))
        let outbound = below(2) == 0
        let (src, dst, sport, dport) = outbound ? (local, remote, ephemeral, service) : (remote, local, service, ephemeral)
        return "2 123456789012 \(eni) \(src) \(dst) \(sport) \(dport) \(proto) \(packets) \(bytes) \(start) \(start + below(60)) ACCEPT OK"
    }

    mutating func record(eventsPerRecord: Int) -> [UInt8] {
        let eni = String(format: "eni-%017llx", next() & 0xFFFF_FFFF_FFFF)
        let start = 1_700_000_000 + below(86_400)
        var json = #"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/vpc/flow-logs","logStream":""# + eni + #"-all","subscriptionFilters":["firebreak"],"logEvents":["#
        for i in 0..<eventsPerRecord {
            if i > 0 { json += "," }
            let id = String(format: "%020llu%020llu%016llu", next() % 100_000_000_000_000_000, next() % 100_000_000_000_000_000, UInt64(i))
            json += #"{"id":""# + id + #"","timestamp":"# + String((start + i / 10) * 1000) + #","message":""# + line(eni: eni, start: start) + #""}"#
        }
        json += "]}"
        return Gzip.compress(Array(json.utf8))
    }

    /// One VPC's traffic for the end-to-end benchmark: `interfaces` ENIs, each with its own address in 10.0.0.0/16,
    /// opening connections to public addresses (from an ephemeral source port). `quiet`: accepted, to the expected
    /// egress ports (443, 80, 53, 123), so no rule of the built-in pack matches. Otherwise the noisy day: half of the
    /// flows go to a port outside the expected list (none of them a mining-pool port) and 7 % are REJECTed; an
    /// accepted one is "Outbound Connection On An Unexpected Port", a rejected one "Instance Outbound Traffic
    /// Rejected" (and the informational network-probe base rule that feeds the scan correlations). Destinations
    /// stay clear of the example intel lists (192.0.2/24, 198.51.100/24, 203.0.113/24) and of private ranges.
    struct VPC {
        var interfaces: [(eni: String, address: String)]

        init(interfaces count: Int) {
            interfaces = (0..<count).map { i in
                (String(format: "eni-0f1e2d3c4b5a%05d", i), "10.0.\(i / 250).\(1 + i % 250)")
            }
        }
    }

    mutating func vpcLine(_ interface: (eni: String, address: String), start: Int, quiet: Bool) -> String {
        let unexpected = !quiet && below(2) == 0
        let rejected = !quiet && below(100) < 7
        let port = unexpected ? [22, 25, 587, 993, 1194, 3306, 5432, 6379, 8080, 8443, 9418, 27017][below(12)]
                              : [443, 443, 443, 80, 53, 123][below(6)]
        let proto = port == 53 || port == 123 ? 17 : 6
        let remote = "\([3, 13, 18, 34, 35, 52, 54, 104, 142, 151][below(10)]).\(below(256)).\(below(256)).\(1 + below(254))"
        let packets = 1 + below(200)
        let bytes = packets * (40 + below(1400))
        return "2 123456789012 \(interface.eni) \(interface.address) \(remote) \(32768 + below(28232)) \(port) \(proto) \(packets) \(bytes) \(start) \(start + below(60)) \(rejected ? "REJECT" : "ACCEPT") OK"
    }

    /// A CloudWatch Logs batch of one interface's log stream, gzip'd, with event ids as CloudWatch Logs makes them
    /// (56 digits, consecutive within a batch).
    mutating func vpcRecord(_ vpc: VPC, lines: Int, start: Int, quiet: Bool) -> [UInt8] {
        let interface = vpc.interfaces[below(vpc.interfaces.count)]
        let idPrefix = String(format: "%018llu%018llu", next() % 1_000_000_000_000_000_000, next() % 1_000_000_000_000_000_000)
        var json = #"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/vpc/flow-logs","logStream":""#
            + interface.eni + #"-all","subscriptionFilters":["firebreak"],"logEvents":["#
        for i in 0..<lines {
            if i > 0 { json += "," }
            let lineStart = start + below(60)
            json += #"{"id":""# + idPrefix + String(format: "%020llu", UInt64(i)) + #"","timestamp":"# + String(lineStart * 1000)
                + #","message":""# + vpcLine(interface, start: lineStart, quiet: quiet) + #""}"#
        }
        json += "]}"
        return Gzip.compress(Array(json.utf8))
    }

    /// A Firehose request body of `records` batches of `linesPerRecord` flow lines covering one minute from `start`,
    /// split around its request id: `prefix + id + suffix` is the body, so each send can carry a new id.
    mutating func vpcDelivery(_ vpc: VPC, records: Int, linesPerRecord: Int, start: Int, quiet: Bool) -> (prefix: [UInt8], suffix: [UInt8]) {
        let parts = (0..<records).map { _ in
            #"{"data":""# + Data(vpcRecord(vpc, lines: linesPerRecord, start: start, quiet: quiet)).base64EncodedString() + #""}"#
        }
        return (Array(#"{"requestId":""#.utf8),
                Array((#"","timestamp":"# + String(start * 1000 + 60_000) + #","records":["# + parts.joined(separator: ",") + "]}").utf8))
    }

    /// A JSON request body of about `targetBytes`.
    mutating func delivery(targetBytes: Int, eventsPerRecord: Int) -> [UInt8] {
        requestCounter += 1
        var parts: [String] = []
        var size = 0
        while size < targetBytes {
            let data = Data(record(eventsPerRecord: eventsPerRecord)).base64EncodedString()
            size += data.utf8.count + 12
            parts.append(#"{"data":""# + data + #""}"#)
        }
        let body = #"{"requestId":"bench-"# + String(requestCounter) + #"","timestamp":1700000000000,"records":["# + parts.joined(separator: ",") + "]}"
        return Array(body.utf8)
    }
}
