/// An ordered list of header fields; names compare case-insensitively (ASCII), order and duplicates are kept.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    private var fields: [Element]

    public init() { fields = [] }

    public init(_ pairs: [(name: String, value: String)]) { fields = pairs }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value for `name`; setting replaces every field with that name (nil removes them).
    public subscript(_ name: String) -> String? {
        get { fields.first(where: { HTTPHeaders.namesEqual($0.name, name) })?.value }
        set {
            guard let newValue else { remove(name); return }
            if let first = fields.firstIndex(where: { HTTPHeaders.namesEqual($0.name, name) }) {
                fields[first].value = newValue
                var index = fields.index(after: first)
                while index < fields.endIndex {
                    if HTTPHeaders.namesEqual(fields[index].name, name) { fields.remove(at: index) } else { index += 1 }
                }
            } else {
                fields.append((name: name, value: newValue))
            }
        }
    }

    /// Every value for `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.compactMap { HTTPHeaders.namesEqual($0.name, name) ? $0.value : nil }
    }

    /// Appends a field, keeping any existing ones with the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { HTTPHeaders.namesEqual($0.name, name) }
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { HTTPHeaders.namesEqual($0.name, name) }
    }

    /// The comma-separated elements of every `name` field, trimmed and lowercased (e.g. `Connection: close, Upgrade`).
    public func tokens(_ name: String) -> [String] {
        var result: [String] = []
        for value in values(name) {
            for part in value.split(separator: ",", omittingEmptySubsequences: true) {
                let token = part.trimmingHTTPWhitespace().lowercased()
                if !token.isEmpty { result.append(token) }
            }
        }
        return result
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }

    /// ASCII case-insensitive comparison, as field names are ASCII tokens.
    static func namesEqual(_ a: String, _ b: String) -> Bool {
        var ia = a.utf8.makeIterator()
        var ib = b.utf8.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return true
            case (nil, _), (_, nil): return false
            case let (x?, y?):
                if x != y && asciiLower(x) != asciiLower(y) { return false }
            }
        }
    }

    @inline(__always)
    static func asciiLower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}

extension Substring {
    func trimmingHTTPWhitespace() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }
}
