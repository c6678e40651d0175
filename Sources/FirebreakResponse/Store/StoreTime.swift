import Foundation

/// The store keeps every time as integer milliseconds since the Unix epoch (UTC).
extension Date {
    var storeMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(storeMillis: Int64) {
        self.init(timeIntervalSince1970: Double(storeMillis) / 1000)
    }
}
