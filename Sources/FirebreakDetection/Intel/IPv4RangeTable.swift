/// Sorted, disjoint IPv4 ranges packed as 64-bit words (start in the high half, end in the low half), so that
/// a lookup compares 32-bit values and reads one word per step; a large table also has an index by prefix.
struct IPv4RangeTable: Sendable, Equatable {
    /// `UInt64(start) << 32 | UInt64(end)`, ascending; ranges never overlap nor touch (they are merged).
    private(set) var ranges: [UInt64] = []
    /// For large tables: `bounds[k]` is the number of ranges starting before the address `k << shift`, so a lookup
    /// searches only the ranges starting in its prefix (about 8 to 16). Empty for small tables. A prefix of at most
    /// 16 bits keeps the index small enough to stay in cache (32 KiB for 100,000 ranges).
    private var bounds: [UInt32] = []
    private var shift: UInt32 = 32

    /// Tables with at least this many ranges get `bounds`.
    static let indexThreshold = 64

    init() {}

    /// The union of `ranges` (first and last address of each, in any order; a reversed pair is swapped).
    init(merging ranges: [(UInt32, UInt32)]) {
        let sorted = ranges.map { r in r.0 <= r.1 ? r : (r.1, r.0) }.sorted { $0.0 < $1.0 }
        var packed: [UInt64] = []
        packed.reserveCapacity(sorted.count)
        var current: (UInt32, UInt32)?
        for (start, end) in sorted {
            if let (s, e) = current, start <= e || start == e &+ 1 && e != .max {
                current = (s, max(e, end))
            } else {
                if let (s, e) = current { packed.append(Self.pack(s, e)) }
                current = (start, end)
            }
        }
        if let (s, e) = current { packed.append(Self.pack(s, e)) }
        self.init(ascending: packed)
    }

    /// A table of packed ranges (`pack`) already ascending and merged (no two overlap or touch).
    init(ascending packed: [UInt64]) {
        self.ranges = packed
        if packed.count >= Self.indexThreshold {
            var bits: UInt32 = 4
            while bits < 16 && packed.count >> (bits + 1) >= 8 { bits += 1 }
            shift = 32 - bits
            bounds = Self.bounds(packed, bits: bits)
        }
    }

    var count: Int { ranges.count }

    /// The ranges as (first, last) pairs, ascending.
    var pairs: [(UInt32, UInt32)] {
        ranges.map { (UInt32(truncatingIfNeeded: $0 >> 32), UInt32(truncatingIfNeeded: $0)) }
    }

    @inline(__always)
    static func pack(_ start: UInt32, _ end: UInt32) -> UInt64 { UInt64(start) << 32 | UInt64(end) }

    func contains(_ address: UInt32) -> Bool {
        ranges.withUnsafeBufferPointer { ranges in
            // The last range whose start is <= address: the last word <= (address, UInt32.max).
            let key = UInt64(address) << 32 | 0xFFFF_FFFF
            var lo = 0, hi = ranges.count
            if !bounds.isEmpty {
                let k = Int(address >> shift)
                bounds.withUnsafeBufferPointer { bounds in
                    lo = Int(bounds[k])
                    hi = Int(bounds[k + 1])
                }
            }
            while lo < hi {
                let mid = (lo + hi) >> 1
                if ranges[mid] <= key { lo = mid + 1 } else { hi = mid }
            }
            return lo > 0 && address <= UInt32(truncatingIfNeeded: ranges[lo - 1])
        }
    }

    private static func bounds(_ ranges: [UInt64], bits: UInt32) -> [UInt32] {
        let buckets = 1 << Int(bits)
        var bounds = [UInt32](repeating: 0, count: buckets + 1)
        var i = 0
        for k in 0..<buckets {
            let bound = UInt64(k) << (64 - UInt64(bits))   // the start `k << (32 - bits)`, in the high half
            while i < ranges.count && ranges[i] < bound { i += 1 }
            bounds[k] = UInt32(i)
        }
        bounds[buckets] = UInt32(ranges.count)
        return bounds
    }

    static func == (lhs: IPv4RangeTable, rhs: IPv4RangeTable) -> Bool { lhs.ranges == rhs.ranges }
}
