/// One VPC Flow Logs record.
///
/// Typed fields (addresses, ports, protocol, counters, times, action, status, flags, type,
/// direction, traffic path) are parsed eagerly into inline storage; string fields (ids, region,
/// ECS names, unknown fields) are materialized on demand from the line's bytes, which the record
/// shares with the other records decoded from the same buffer. A `-` value is absent (`nil`).
public struct FlowLogRecord: Sendable {
    /// The line's bytes and format, shared by the records of one buffer.
    let source: FlowLineSource
    let lineStart: Int
    let lineEnd: Int

    var present: UInt32 = 0
    var srcaddrValue = IPAddress(high: 0, low: 0)
    var dstaddrValue = IPAddress(high: 0, low: 0)
    var pktSrcaddrValue = IPAddress(high: 0, low: 0)
    var pktDstaddrValue = IPAddress(high: 0, low: 0)
    var packetsValue: UInt64 = 0
    var bytesValue: UInt64 = 0
    var startValue: Int64 = 0
    var endValue: Int64 = 0
    var versionValue: UInt16 = 0
    var srcportValue: UInt16 = 0
    var dstportValue: UInt16 = 0
    var tcpFlagsValue: UInt16 = 0
    var trafficPathValue: UInt16 = 0
    var protocolValue: UInt8 = 0
    var actionValue: FlowAction = .accept
    var logStatusValue: FlowLogStatus = .ok
    var typeValue: FlowTrafficType = .ipv4
    var directionValue: FlowDirection = .ingress

    init(source: FlowLineSource, lineStart: Int, lineEnd: Int) {
        self.source = source
        self.lineStart = lineStart
        self.lineEnd = lineEnd
    }

    /// The format the line was parsed with.
    public var format: FlowLogFormat { source.format }
    var storage: ByteStorage { source.storage }

    @inline(__always)
    private func has(_ slot: FlowSlot) -> Bool { present & slot.bit != 0 }

    /// The line as received (without line terminator).
    public var line: String { storage.string(lineStart, lineEnd) }

    // MARK: Typed fields
    public var version: Int? { has(.version) ? Int(versionValue) : nil }
    public var srcaddr: IPAddress? { has(.srcaddr) ? srcaddrValue : nil }
    public var dstaddr: IPAddress? { has(.dstaddr) ? dstaddrValue : nil }
    public var srcport: UInt16? { has(.srcport) ? srcportValue : nil }
    public var dstport: UInt16? { has(.dstport) ? dstportValue : nil }
    /// IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...).
    public var protocolNumber: UInt8? { has(.proto) ? protocolValue : nil }
    public var packets: UInt64? { has(.packets) ? packetsValue : nil }
    public var bytes: UInt64? { has(.bytes) ? bytesValue : nil }
    /// Unix seconds of the first packet in the interval.
    public var start: Int64? { has(.start) ? startValue : nil }
    /// Unix seconds of the last packet in the interval.
    public var end: Int64? { has(.end) ? endValue : nil }
    public var action: FlowAction? { has(.action) ? actionValue : nil }
    public var logStatus: FlowLogStatus? { has(.logStatus) ? logStatusValue : nil }
    /// Bitmask: FIN 1, SYN 2, RST 4, SYN-ACK 18.
    public var tcpFlags: UInt16? { has(.tcpFlags) ? tcpFlagsValue : nil }
    public var trafficType: FlowTrafficType? { has(.type) ? typeValue : nil }
    public var pktSrcaddr: IPAddress? { has(.pktSrcaddr) ? pktSrcaddrValue : nil }
    public var pktDstaddr: IPAddress? { has(.pktDstaddr) ? pktDstaddrValue : nil }
    /// `flow-direction` as logged (ingress/egress relative to the interface).
    public var flowDirection: FlowDirection? { has(.flowDirection) ? directionValue : nil }
    /// `traffic-path` (egress only): 1 same VPC, 2 IGW or gateway endpoint, 3 VGW, ... 8 IGW (Nitro).
    public var trafficPath: Int? { has(.trafficPath) ? Int(trafficPathValue) : nil }

    // MARK: String fields
    public var accountID: String? { string(.accountID) }
    public var interfaceID: String? { string(.interfaceID) }
    public var vpcID: String? { string(.vpcID) }
    public var subnetID: String? { string(.subnetID) }
    public var instanceID: String? { string(.instanceID) }
    public var region: String? { string(.region) }
    public var azID: String? { string(.azID) }
    public var pktSrcAWSService: String? { string(.pktSrcAWSService) }
    public var pktDstAWSService: String? { string(.pktDstAWSService) }

    /// The raw text of a field (any kind); nil when the format lacks it or the value is `-`.
    public func string(_ field: FlowLogField) -> String? {
        let column = format.layout.knownColumn[field.ordinal]
        return column >= 0 ? rawString(column: column) : nil
    }

    /// Calls `body` with the raw bytes of a field (any kind) in place, without making a string; nil when the format
    /// lacks it or the value is `-` (as `string(_:)`).
    public func withRawBytes<Result>(_ field: FlowLogField, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        let column = format.layout.knownColumn[field.ordinal]
        guard column >= 0, let (s, e) = tokenRange(column: column) else { return nil }
        if e - s == 1 && storage.base[s] == UInt8(ascii: "-") { return nil }
        return body(UnsafeBufferPointer(start: storage.base + s, count: e - s))
    }

    /// The raw text of column `column`; nil for `-` or a missing column.
    public func rawString(column: Int) -> String? {
        guard let (s, e) = tokenRange(column: column) else { return nil }
        if e - s == 1 && storage.base[s] == UInt8(ascii: "-") { return nil }
        return storage.string(s, e)
    }

    /// A field by its AWS name (`"srcaddr"`, `"ecs-task-id"`, or an unknown name from the format),
    /// typed. Nil when the format lacks it or the value is `-`.
    public func field(_ name: String) -> FlowFieldValue? {
        guard let column = format.layout.nameIndex[name] else { return nil }
        return value(column: column)
    }

    /// A known field, typed.
    public func value(of field: FlowLogField) -> FlowFieldValue? {
        let column = format.layout.knownColumn[field.ordinal]
        return column >= 0 ? value(column: column) : nil
    }

    func value(column: Int) -> FlowFieldValue? {
        switch format.layout.slots[column] {
        case .string: return rawString(column: column).map { .string($0) }
        case .version: return version.map { .integer(Int64($0)) }
        case .srcaddr: return srcaddr.map { .address($0) }
        case .dstaddr: return dstaddr.map { .address($0) }
        case .pktSrcaddr: return pktSrcaddr.map { .address($0) }
        case .pktDstaddr: return pktDstaddr.map { .address($0) }
        case .srcport: return srcport.map { .integer(Int64($0)) }
        case .dstport: return dstport.map { .integer(Int64($0)) }
        case .proto: return protocolNumber.map { .integer(Int64($0)) }
        case .packets: return packets.map { .unsigned($0) }
        case .bytes: return bytes.map { .unsigned($0) }
        case .start: return start.map { .integer($0) }
        case .end: return end.map { .integer($0) }
        case .action: return action.map { .action($0) }
        case .logStatus: return logStatus.map { .logStatus($0) }
        case .tcpFlags: return tcpFlags.map { .integer(Int64($0)) }
        case .type: return trafficType.map { .trafficType($0) }
        case .flowDirection: return flowDirection.map { .flowDirection($0) }
        case .trafficPath: return trafficPath.map { .integer(Int64($0)) }
        }
    }

    /// The record as a JSON object keyed by AWS field names in format order; `-` becomes `null`.
    public func jsonObject() -> JSONValue {
        var object = JSONObject()
        for (column, name) in format.layout.names.enumerated() {
            object.append(name, value(column: column)?.jsonValue ?? .null)
        }
        return .object(object)
    }

    /// Appends the text of `jsonObject()` to `out` (the same bytes), written from the line without building the object:
    /// a finding stores its event's JSON, and a noisy delivery has thousands of new findings.
    public func writeJSON(into out: inout [UInt8]) {
        let layout = format.layout
        out.append(UInt8(ascii: "{"))
        for column in layout.names.indices {
            if column > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(layout.names[column], into: &out)
            out.append(UInt8(ascii: ":"))
            if case .string = layout.slots[column] {
                if let (s, e) = tokenRange(column: column), !(e - s == 1 && storage.base[s] == UInt8(ascii: "-")) {
                    JSONValue.writeString(UnsafeBufferPointer(start: storage.base + s, count: e - s), into: &out)
                } else {
                    out.append(contentsOf: "null".utf8)
                }
            } else if let value = value(column: column) {
                value.jsonValue.write(into: &out)
            } else {
                out.append(contentsOf: "null".utf8)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Byte range of the `column`-th space-separated token of the line.
    func tokenRange(column: Int) -> (Int, Int)? {
        let p = storage.base
        var i = lineStart
        var c = 0
        while i < lineEnd {
            while i < lineEnd && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
            if i >= lineEnd { return nil }
            let s = i
            while i < lineEnd && p[i] != 0x20 && p[i] != 0x09 { i += 1 }
            if c == column { return (s, i) }
            c += 1
        }
        return nil
    }
}
