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
