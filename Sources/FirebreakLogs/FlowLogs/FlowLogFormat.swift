/// The field layout of flow-log lines: the default version-2 format or a custom `LogFormat`.
///
/// Lines do not say which fields they hold, so the parser must be given the format the flow log
/// was created with. Field names not known to this version are kept and their values exposed as
/// strings.
public struct FlowLogFormat: Sendable, Hashable, CustomStringConvertible {
    /// Immutable after `init` (the slot buffer included), hence `@unchecked Sendable`.
    final class Layout: @unchecked Sendable {
        let names: [String]
        let fields: [FlowLogField?]
        let slots: [FlowSlot]
        /// `slots` as a raw buffer for the parser's hot loop.
        let slotPointer: UnsafeMutablePointer<FlowSlot>
        /// Per column: the largest valid value of a numeric field, 0 for non-numeric fields.
        let numericLimits: UnsafeMutablePointer<UInt64>
        let nameIndex: [String: Int]
        /// Column of each known field, indexed by `FlowLogField` case order; -1 when absent.
        let knownColumn: [Int]

        init(names: [String]) {
            self.names = names
            fields = names.map { FlowLogField(rawValue: $0) }
            slots = fields.map { FlowSlot($0) }
            slotPointer = UnsafeMutablePointer<FlowSlot>.allocate(capacity: max(1, slots.count))
            slotPointer.initialize(from: slots, count: slots.count)
            numericLimits = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, slots.count))
            numericLimits.initialize(from: slots.map { $0.numericLimit }, count: slots.count)
            var index: [String: Int] = [:]
            for (i, n) in names.enumerated() { index[n] = i }
            nameIndex = index
            var known = [Int](repeating: -1, count: FlowLogField.allCases.count)
            for (i, f) in fields.enumerated() {
                if let f { known[f.ordinal] = i }
            }
            knownColumn = known
        }

        deinit {
            slotPointer.deinitialize(count: slots.count)
            slotPointer.deallocate()
            numericLimits.deinitialize(count: slots.count)
            numericLimits.deallocate()
        }
    }

    let layout: Layout

    /// The most fields a format may list.
    public static let maxFields = 256

    /// `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status`
    public static let defaultV2 = FlowLogFormat(fields: FlowLogField.defaultV2)

    /// A format from known fields, in order.
    public init(fields: [FlowLogField]) {
        layout = Layout(names: fields.map(\.rawValue))
    }

    /// Parses a `LogFormat` string (`${version} ${vpc-id} ...`) or the space-separated field names
    /// of an S3 flow-log header line (`version vpc-id ...`). Unknown field names are accepted.
    public init(parsing formatString: String) throws(FlowLogFormatError) {
        var names: [String] = []
        var seen = Set<String>()
        for token in formatString.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            var name = Substring(token)
            if name.hasPrefix("${") {
                guard name.hasSuffix("}"), name.count > 3 else { throw .invalidToken(String(token)) }
                name = name.dropFirst(2).dropLast()
            }
            guard FlowLogFormat.isFieldName(name.utf8) else { throw .invalidToken(String(token)) }
            let n = String(name)
            guard seen.insert(n).inserted else { throw .duplicateField(n) }
            names.append(n)
            if names.count > FlowLogFormat.maxFields { throw .tooManyFields(count: names.count, limit: FlowLogFormat.maxFields) }
        }
        guard !names.isEmpty else { throw .empty }
        layout = Layout(names: names)
    }

    /// Field names in column order.
    public var fieldNames: [String] { layout.names }

    /// Number of columns.
    public var count: Int { layout.names.count }

    /// The `${field} ${field} ...` format string.
    public var description: String { layout.names.map { "${\($0)}" }.joined(separator: " ") }

    public static func == (lhs: FlowLogFormat, rhs: FlowLogFormat) -> Bool {
        lhs.layout === rhs.layout || lhs.layout.names == rhs.layout.names
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(layout.names) }

    /// Lower-case letters, digits and `-`/`_`, starting with a letter.
    static func isFieldName<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard let first = bytes.first, first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") else { return false }
        for c in bytes {
            let ok = (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
            if !ok { return false }
        }
        return bytes.count <= 64
    }

    /// Recognizes an S3 flow-log file header line: at least two tokens, all field-name shaped,
    /// at least two of them known fields, no duplicates.
    static func fromHeaderLine(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> FlowLogFormat? {
        guard end > start, end - start <= 4096, p[start] >= UInt8(ascii: "a"), p[start] <= UInt8(ascii: "z") else { return nil }
        let line = UnsafeBufferPointer(start: p + start, count: end - start)
        var known = 0
        var tokens = 0
        for token in line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }) {
            guard isFieldName(token) else { return nil }
            tokens += 1
            if FlowLogField(rawValue: String(decoding: token, as: UTF8.self)) != nil { known += 1 }
        }
        guard tokens >= 2, known >= 2 else { return nil }
        return try? FlowLogFormat(parsing: String(decoding: line, as: UTF8.self))
    }
}
