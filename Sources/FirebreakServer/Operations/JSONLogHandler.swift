import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line to standard output:
/// `{"time":"…","level":"info","logger":"firebreak","message":"…", …metadata}`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var line = "{\"time\":\"" + Self.timestamp() + "\",\"level\":\"" + event.level.rawValue + "\",\"logger\":"
            + Self.quote(label) + ",\"message\":" + Self.quote(event.message.description)
        for key in merged.keys.sorted() {
            line += "," + Self.quote(key) + ":" + Self.render(merged[key]!)
        }
        line += "}\n"
        StandardOutput.write(line)
    }

    static func render(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return quote(text)
        case .stringConvertible(let convertible):
            if let raw = convertible as? RawJSON { return raw.description }
            if let number = convertible as? any BinaryInteger { return String(describing: number) }
            if let flag = convertible as? Bool { return flag ? "true" : "false" }
            if let number = convertible as? Double, number.isFinite { return String(number) }
            return quote(convertible.description)
        case .array(let items): return "[" + items.map(render).joined(separator: ",") + "]"
        case .dictionary(let map):
            return "{" + map.keys.sorted().map { quote($0) + ":" + render(map[$0]!) }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ text: String) -> String { FirehoseResponse.jsonString(text) }

    private static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var seconds = time_t(tv.tv_sec)
        var tmValue = tm()
        gmtime_r(&seconds, &tmValue)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tmValue.tm_year + 1900, tmValue.tm_mon + 1,
                      tmValue.tm_mday, tmValue.tm_hour, tmValue.tm_min, tmValue.tm_sec, Int(tv.tv_usec / 1000))
    }
}
