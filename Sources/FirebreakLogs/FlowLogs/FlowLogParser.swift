/// Parses flow-log lines from bytes with one format. Fields are separated by single spaces (runs of
/// spaces are tolerated: one example in the AWS documentation has a double space).
/// A wrong field count is reported in preference to an invalid value (a shifted line makes
/// every later value look wrong).
public struct FlowLogParser: Sendable {
    public let format: FlowLogFormat

    public init(format: FlowLogFormat = .defaultV2) {
        self.format = format
    }

    /// Parses one line (without its newline).
    public func parse(_ line: String) throws(FlowLineError) -> FlowLogRecord {
        let storage = ByteStorage(copying: Array(line.utf8))
        return try FlowLogParser.parse(FlowLineSource(storage: storage, format: format), 0, storage.count)
    }

    /// Parses `source.storage[start..<end]` with `source.format`; the record keeps `source` alive.
    ///
    /// One pass: numeric fields are accumulated while their token is scanned, other tokens are
    /// delimited and then typed; nothing is allocated unless the line is invalid.
    static func parse(_ source: FlowLineSource, _ start: Int, _ end: Int) throws(FlowLineError) -> FlowLogRecord {
        let storage = source.storage
        let layout = source.format.layout
        var record = FlowLogRecord(source: source, lineStart: start, lineEnd: end)
        let p = UnsafePointer(storage.base)
        let bufferEnd = storage.count
        let slots = UnsafePointer(layout.slotPointer)
        let limits = UnsafePointer(layout.numericLimits)
        let columns = layout.slots.count
        var badColumn = -1, badStart = 0, badEnd = 0
        var i = start
        var column = 0
        while true {
            while i < end && p[i] == 0x20 { i += 1 }
            if i >= end { break }
            let s = i
            if column >= columns {
                // Count the extra fields for the error.
                i = FlowLogParser.tokenEnd(p, i, end, bufferEnd)
                column += 1
                continue
            }
            let limit = limits[column]
            if limit != 0 {
                // Up to 19 digits cannot overflow UInt64; longer numbers take the checked path.
                var value: UInt64 = 0
                #if _endian(little)
                if i + 8 <= bufferEnd && i + 8 <= end, let eight = FlowLogParser.eightDigits(p, i) {
                    value = eight
                    i += 8
                }
                #endif
                while i < end {
                    let d = p[i] &- 0x30
                    if d > 9 { break }
                    value = value &* 10 &+ UInt64(d)
                    i += 1
                }
                if i == end || p[i] == 0x20 {
                    let digits = i - s
                    var valid = digits > 0 && value <= limit
                    if digits > 19 {
                        // The wrapping loop may have overflowed: redo it with checks.
                        let checked = FlowLogParser.unsigned(p, s, i, max: limit)
                        valid = checked != nil
                        value = checked ?? 0
                    }
                    if valid {
                        FlowLogParser.storeNumber(slots[column], value, into: &record)
                    } else if badColumn < 0 {
                        badColumn = column; badStart = s; badEnd = i
                    }
                } else {
                    i = FlowLogParser.tokenEnd(p, i, end, bufferEnd)
                    if !(i - s == 1 && p[s] == UInt8(ascii: "-")) && badColumn < 0 {
                        badColumn = column; badStart = s; badEnd = i
                    }
                }
            } else {
                i = FlowLogParser.tokenEnd(p, i, end, bufferEnd)
                let slot = slots[column]
                if slot != .string && !(i - s == 1 && p[s] == UInt8(ascii: "-")) && badColumn < 0 {
                    if !FlowLogParser.store(slot, p, s, i, into: &record) {
                        badColumn = column; badStart = s; badEnd = i
                    }
                }
            }
            column += 1
        }
        // A wrong field count is the better diagnosis, so it wins over a bad value.
        if column != columns { throw .fieldCount(expected: columns, found: column) }
        if badColumn >= 0 {
            throw .invalidValue(field: layout.names[badColumn], column: badColumn + 1,
                                value: FlowLogParser.excerpt(p, badStart, badEnd))
        }
        return record
    }

    /// The value of the 8 ASCII digits at `p[i..<i+8]`, or nil if any of them is not a digit
    /// (SWAR: validate all eight at once, then combine pairs, quads and halves).
    @inline(__always)
    static func eightDigits(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt64? {
        let v = UnsafeRawPointer(p).loadUnaligned(fromByteOffset: i, as: UInt64.self)
        let x = v &- 0x3030_3030_3030_3030
        // Every byte must be 0x30...0x39: no borrow below '0', nothing above '9'.
        guard (x | (x &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080 == 0 else { return nil }
        let pairs = (x &* 10) &+ (x >> 8)  // little-endian: the first digit is the low byte
        let quads = ((pairs & 0x0000_00FF_0000_00FF) &* (100 &+ (1_000_000 << 32))
                     &+ ((pairs >> 16) & 0x0000_00FF_0000_00FF) &* (1 &+ (10_000 << 32))) >> 32
        return quads
    }

    /// Index of the first space at or after `i`, or `end`. Reads 8 bytes at a time (never past
    /// `bufferEnd`); on little-endian the lowest flagged byte of the SWAR test is exact.
    @inline(__always)
    static func tokenEnd(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ bufferEnd: Int) -> Int {
        var j = i
        #if _endian(little)
        let raw = UnsafeRawPointer(p)
        while j + 8 <= bufferEnd && j < end {
            let x = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self) ^ 0x2020_2020_2020_2020
            let hit = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
            if hit != 0 { return min(j + hit.trailingZeroBitCount >> 3, end) }
            j += 8
        }
        if j >= end { return end }
        #endif
        while j < end && p[j] != 0x20 { j += 1 }
        return j
    }

    /// Stores a value already checked against `numericLimit(slot)`.
    @inline(__always)
    static func storeNumber(_ slot: FlowSlot, _ v: UInt64, into r: inout FlowLogRecord) {
        switch slot {
        case .version: r.versionValue = UInt16(truncatingIfNeeded: v)
        case .srcport: r.srcportValue = UInt16(truncatingIfNeeded: v)
        case .dstport: r.dstportValue = UInt16(truncatingIfNeeded: v)
        case .tcpFlags: r.tcpFlagsValue = UInt16(truncatingIfNeeded: v)
        case .trafficPath: r.trafficPathValue = UInt16(truncatingIfNeeded: v)
        case .proto: r.protocolValue = UInt8(truncatingIfNeeded: v)
        case .packets: r.packetsValue = v
        case .bytes: r.bytesValue = v
        case .start: r.startValue = Int64(truncatingIfNeeded: v)
        case .end: r.endValue = Int64(truncatingIfNeeded: v)
        default: return
        }
        r.present |= slot.bit
    }

    static func excerpt(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> String {
        let text = String(decoding: UnsafeBufferPointer(start: p + s, count: min(e - s, 64)), as: UTF8.self)
        return e - s > 64 ? text + "…" : text
    }

    /// Parses a typed value into the record; false if it is invalid.
    @inline(__always)
    static func store(_ slot: FlowSlot, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, into r: inout FlowLogRecord) -> Bool {
        switch slot {
        case .string:
            return true
        case .version:
            guard let v = unsigned(p, s, e, max: UInt64(UInt16.max)) else { return false }
            r.versionValue = UInt16(v)
        case .srcaddr:
            guard let a = IPAddress.parse(p, s, e) else { return false }
            r.srcaddrValue = a
        case .dstaddr:
            guard let a = IPAddress.parse(p, s, e) else { return false }
            r.dstaddrValue = a
        case .pktSrcaddr:
            guard let a = IPAddress.parse(p, s, e) else { return false }
            r.pktSrcaddrValue = a
        case .pktDstaddr:
            guard let a = IPAddress.parse(p, s, e) else { return false }
            r.pktDstaddrValue = a
        case .srcport:
            guard let v = unsigned(p, s, e, max: UInt64(UInt16.max)) else { return false }
            r.srcportValue = UInt16(v)
        case .dstport:
            guard let v = unsigned(p, s, e, max: UInt64(UInt16.max)) else { return false }
            r.dstportValue = UInt16(v)
        case .proto:
            guard let v = unsigned(p, s, e, max: UInt64(UInt8.max)) else { return false }
            r.protocolValue = UInt8(v)
        case .packets:
            guard let v = unsigned(p, s, e, max: UInt64.max) else { return false }
            r.packetsValue = v
        case .bytes:
            guard let v = unsigned(p, s, e, max: UInt64.max) else { return false }
            r.bytesValue = v
        case .start:
            guard let v = unsigned(p, s, e, max: FlowSlot.maxEpochSeconds) else { return false }
            r.startValue = Int64(v)
        case .end:
            guard let v = unsigned(p, s, e, max: FlowSlot.maxEpochSeconds) else { return false }
            r.endValue = Int64(v)
        case .tcpFlags:
            guard let v = unsigned(p, s, e, max: UInt64(UInt16.max)) else { return false }
            r.tcpFlagsValue = UInt16(v)
        case .trafficPath:
            guard let v = unsigned(p, s, e, max: UInt64(UInt16.max)) else { return false }
            r.trafficPathValue = UInt16(v)
        case .action:
            if equals(p, s, e, "ACCEPT") { r.actionValue = .accept } else if equals(p, s, e, "REJECT") { r.actionValue = .reject } else { return false }
        case .logStatus:
            if equals(p, s, e, "OK") { r.logStatusValue = .ok }
            else if equals(p, s, e, "NODATA") { r.logStatusValue = .noData }
            else if equals(p, s, e, "SKIPDATA") { r.logStatusValue = .skipData }
            else { return false }
        case .type:
            if equals(p, s, e, "IPv4") { r.typeValue = .ipv4 }
            else if equals(p, s, e, "IPv6") { r.typeValue = .ipv6 }
            else if equals(p, s, e, "EFA") { r.typeValue = .efa }
            else { return false }
        case .flowDirection:
            if equals(p, s, e, "ingress") { r.directionValue = .ingress } else if equals(p, s, e, "egress") { r.directionValue = .egress } else { return false }
        }
        r.present |= slot.bit
        return true
    }

    /// Decimal digits only, no sign, value ≤ `max`; overflow-safe.
    @inline(__always)
    static func unsigned(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, max: UInt64) -> UInt64? {
        guard e > s, e - s <= 20 else { return nil }
        var v: UInt64 = 0
        for i in s..<e {
            let d = p[i] &- 0x30
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            v = a
        }
        return v <= max ? v : nil
    }

    @inline(__always)
    static func equals(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard e - s == n else { return false }
        let l = literal.utf8Start
        for i in 0..<n where p[s + i] != l[i] { return false }
        return true
    }
}
