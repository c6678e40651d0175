import Foundation

/// How `firebreak replay` reads and what it does besides printing findings.
public struct ReplayOptions: Sendable {
    /// What a line holds.
    public var format: FileReplay.Format
    /// `--since/--until`: the days of S3 keys read (`ReplayDateRange`).
    public var dates: ReplayDateRange
    /// `--respond`: commit each input's findings to the store and outbox, as `serve` does (`ReplayResponder`).
    public var respond: Bool
    /// An S3 object larger than this is refused before it is read (the replay holds one object at a time whole,
    /// as it holds a local file).
    public var maxObjectBytes: Int64
    /// Show progress and a summary on standard error; nil: when it is a terminal.
    public var progress: Bool?
    /// Keys per ListObjectsV2 page (S3 allows 1 to 1000).
    public var listPageSize: Int
    /// Where AWS settings come from (credentials, `AWS_REGION`, `AWS_ENDPOINT_URL_S3`, ...).
    public var environment: [String: String]
    /// `--jobs`: threads that read, decode and evaluate inputs (findings are still written in input order).
    public var jobs: Int

    /// 256 MiB, as `firehose.max_decompressed_bytes`.
    public static let defaultMaxObjectBytes: Int64 = 256 << 20

    public init(format: FileReplay.Format = .json, dates: ReplayDateRange = ReplayDateRange(), respond: Bool = false,
                maxObjectBytes: Int64 = defaultMaxObjectBytes, progress: Bool? = nil, listPageSize: Int = 1000,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.format = format
        self.dates = dates
        self.respond = respond
        self.maxObjectBytes = maxObjectBytes
        self.progress = progress
        self.listPageSize = listPageSize
        self.environment = environment
        self.jobs = max(1, jobs)
    }
}
