import FirebreakLogs

/// `flow-line-custom`: a custom `LogFormat` and one line. The first byte gives the number of fields (1 to
/// 32), the next bytes pick each field from the known list (a field picked twice is left out, as the format
/// parser refuses duplicates); the rest (as UTF-8, lossily) is the line. The format goes through
/// `FlowLogFormat(parsing:)` as a configured `${field} ...` string does.
enum FlowLineCustomTarget {
    static let known = FlowLogField.allCases

    static func run(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let count = Int(first % 32) + 1
        guard data.count > count else { return }
        var names: [String] = []
        for byte in data[1...count] {
            let name = known[Int(byte) % known.count].rawValue
            if !names.contains(name) { names.append(name) }
        }
        let format: FlowLogFormat
        do {
            format = try FlowLogFormat(parsing: names.map { "${\($0)}" }.joined(separator: " "))
        } catch {
            fatalError("flow-line-custom: a format of known fields does not parse: \(error)")
        }
        let line = String(decoding: data[(count + 1)...], as: UTF8.self)
        guard let record = try? FlowLogParser(format: format).parse(line) else { return }
        FlowRecordTouch.touch(record)
    }
}
