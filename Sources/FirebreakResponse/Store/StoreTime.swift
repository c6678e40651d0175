import Foundation

/// The store keeps every time as integer milliseconds since the Unix epoch (UTC).
extension Date {
    /// Milliseconds since the epoch, clamped to Int64 (a date from the wire never traps here).
    var storeMillis: Int64 {
        let millis = (timeIntervalSince1970 * 1000).rounded()
        guard millis.isFinite else { return millis.isNaN ? 0 : (millis > 0 ? .max : .min) }
        if millis >= 9.2e18 { return .max }
        if millis <= -9.2e18 { return .min }
        return Int64(millis)
    }

    init(storeMillis: Int64) {
        self.init(timeIntervalSince1970: Double(storeMillis) / 1000)
    }
}
