import Foundation

/// What GetTrailStatus reports about a trail.
public struct CloudTrailTrailStatus: Sendable, Hashable, Decodable {
    public var isLogging: Bool
    public var latestDeliveryError: String?
    public var latestDeliveryTime: Date?
    public var startLoggingTime: Date?
    public var stopLoggingTime: Date?
    public var latestNotificationError: String?
    public var latestDigestDeliveryError: String?

    public init(isLogging: Bool, latestDeliveryError: String? = nil, latestDeliveryTime: Date? = nil,
                startLoggingTime: Date? = nil, stopLoggingTime: Date? = nil, latestNotificationError: String? = nil,
                latestDigestDeliveryError: String? = nil) {
        self.isLogging = isLogging
        self.latestDeliveryError = latestDeliveryError
        self.latestDeliveryTime = latestDeliveryTime
        self.startLoggingTime = startLoggingTime
        self.stopLoggingTime = stopLoggingTime
        self.latestNotificationError = latestNotificationError
        self.latestDigestDeliveryError = latestDigestDeliveryError
    }

    enum CodingKeys: String, CodingKey {
        case isLogging = "IsLogging"
        case latestDeliveryError = "LatestDeliveryError"
        case latestDeliveryTime = "LatestDeliveryTime"
        case startLoggingTime = "StartLoggingTime"
        case stopLoggingTime = "StopLoggingTime"
        case latestNotificationError = "LatestNotificationError"
        case latestDigestDeliveryError = "LatestDigestDeliveryError"
    }

    /// Timestamps in AWS JSON are seconds since 1970 (JSON numbers).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date? {
            try container.decodeIfPresent(Double.self, forKey: key).map { Date(timeIntervalSince1970: $0) }
        }
        isLogging = try container.decodeIfPresent(Bool.self, forKey: .isLogging) ?? false
        latestDeliveryError = try container.decodeIfPresent(String.self, forKey: .latestDeliveryError)
        latestDeliveryTime = try date(.latestDeliveryTime)
        startLoggingTime = try date(.startLoggingTime)
        stopLoggingTime = try date(.stopLoggingTime)
        latestNotificationError = try container.decodeIfPresent(String.self, forKey: .latestNotificationError)
        latestDigestDeliveryError = try container.decodeIfPresent(String.self, forKey: .latestDigestDeliveryError)
    }
}
