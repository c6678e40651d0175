import Dispatch
import Foundation

/// Wall-clock timing, medians and figure formatting for the benchmarks.
enum Stopwatch {
    /// Seconds that `body` took.
    static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    /// Three decimals below 100, none above.
    static func format(_ v: Double) -> String { String(format: v >= 100 ? "%.0f" : "%.3f", v) }
}
