import Dispatch
import FirebreakAWS
import Foundation
import Logging
import Synchronization

/// Fetches the `intel.feeds` lists when due, on one background queue.
///
/// Each fetch sends `If-None-Match` / `If-Modified-Since` from `<name>.feed.json`. A 304 keeps the file; a
/// 200 is checked with the feed's format (an empty or unparseable body is a failed fetch), written to a
/// temporary file in the intel folder and renamed over `<name>.txt` (`.domains`), then `onUpdate` runs
/// (the service reloads its rules, as for any list file change). Anything else keeps the last good copy,
/// logs a warning naming the host only and counts a failure. At start nothing waits: the service serves
/// with what is on disk and each feed is fetched at once, unless its last check is more recent than its
/// refresh interval (restarts do not hammer a feed); a failed fetch is tried again after
/// `min(refresh, retrySeconds)`.
public final class IntelFeedFetcher: Sendable {
    /// Limits on one fetch.
    public struct Limits: Sendable {
        public var connectTimeout: Duration = .seconds(10)
        public var totalTimeout: Duration = .seconds(120)
        public var maxResponseBytes = 64 << 20
        /// A failed feed is asked again after this long (or its refresh, when shorter).
        public var retrySeconds = 600
        /// How often the queue looks for due feeds.
        public var tick: Duration = .seconds(5)

        public init() {}
    }

    /// The outcome of one fetch (the `result` label of the fetch counter).
    public enum Outcome: String, Sendable {
        case updated
        case notModified = "not_modified"
        case failed
    }

    public static let fetchesMetric = "firebreak_intel_feed_fetches_total"
    public static let ageMetric = "firebreak_intel_feed_age_seconds"

    public let feeds: [IntelFeed]
    public let folder: String
    private let limits: Limits
    private let transport: any AWSTransport
    private let metrics: MetricsRegistry
    private let logger: Logger
    private let onUpdate: @Sendable (IntelFeed) -> Void
    private let queue = DispatchQueue(label: "firebreak.intel-feeds")
    /// Per feed: when its copy was last confirmed current, and when it is next due.
    private let schedule: Mutex<[String: (confirmed: Double?, due: Double)]>
    private let running = Mutex(false)

    public convenience init(feeds: [IntelFeed], folder: String, metrics: MetricsRegistry, logger: Logger, limits: Limits = Limits(),
                onUpdate: @escaping @Sendable (IntelFeed) -> Void) {
        self.init(feeds: feeds, folder: folder, transport: CurlTransport(maxIdleHandles: 2), metrics: metrics,
                  logger: logger, limits: limits, onUpdate: onUpdate)
    }

    init(feeds: [IntelFeed], folder: String, transport: any AWSTransport, metrics: MetricsRegistry, logger: Logger,
         limits: Limits, onUpdate: @escaping @Sendable (IntelFeed) -> Void) {
        self.feeds = feeds
        self.folder = folder
        self.transport = transport
        self.metrics = metrics
        self.logger = logger
        self.limits = limits
        self.onUpdate = onUpdate
        var schedule: [String: (confirmed: Double?, due: Double)] = [:]
        for feed in feeds {
            let state = IntelFeedState.read((folder as NSString).appendingPathComponent(feed.stateFileName))
            let hasCopy = FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(feed.fileName))
            let due = hasCopy ? (state.checkedAt ?? 0) + Double(feed.refreshSeconds) : 0
            schedule[feed.name] = (hasCopy ? state.confirmedAt : nil, due)
        }
        self.schedule = Mutex(schedule)
        metrics.declareCounter(Self.fetchesMetric, help: "Intel feed fetches, by feed and result (updated, not_modified, failed).")
        metrics.declareGaugeFamily(Self.ageMetric, help: "Seconds since each intel feed's copy was last confirmed current (200 or 304).") {
            [weak self] in
            guard let self else { return [] }
            let now = Date().timeIntervalSince1970
            return self.schedule.withLock { entries in
                entries.compactMap { name, entry in entry.confirmed.map { (["feed": name], max(0, now - $0)) } }
                    .sorted { $0.0["feed"]! < $1.0["feed"]! }
            }
        }
    }

    /// Feeds without a local copy yet (the service starts with an empty list for them).
    public var missingCopies: [IntelFeed] {
        feeds.filter { !FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent($0.fileName)) }
    }

    /// Seconds since `feed`'s copy was last confirmed current; nil when it never was.
    public func age(of feed: String) -> Double? {
        schedule.withLock { $0[feed]?.confirmed }.map { Date().timeIntervalSince1970 - $0 }
    }

    /// Starts fetching due feeds in the background, the first ones at once.
    public func start() {
        guard !feeds.isEmpty, running.withLock({ running in defer { running = true }; return !running }) else { return }
        queue.async { [weak self] in self?.tick() }
    }

    /// Stops the background fetching; a fetch in progress finishes first.
    public func stop() {
        running.withLock { $0 = false }
        queue.sync {}
    }

    private func tick() {
        guard running.withLock({ $0 }) else { return }
        fetchDue()
        let nanoseconds = Int(limits.tick.components.seconds) * 1_000_000_000 + Int(limits.tick.components.attoseconds / 1_000_000_000)
        queue.asyncAfter(deadline: .now() + .nanoseconds(max(nanoseconds, 1_000_000))) { [weak self] in self?.tick() }
    }

    /// Fetches every feed that is due now.
    func fetchDue() {
        let now = Date().timeIntervalSince1970
        let due = schedule.withLock { entries in feeds.filter { (entries[$0.name]?.due ?? 0) <= now } }
        for feed in due { _ = fetch(feed) }
    }

    /// Fetches `feed` now: on the caller's thread, whatever its schedule.
    @discardableResult
    public func fetch(_ feed: IntelFeed) -> Outcome {
        let listPath = (folder as NSString).appendingPathComponent(feed.fileName)
        let statePath = (folder as NSString).appendingPathComponent(feed.stateFileName)
        var state = IntelFeedState.read(statePath)
        let now = Date().timeIntervalSince1970
        let outcome: Outcome
        do {
            outcome = try exchange(feed, listPath: listPath, state: &state)
        } catch {
            logger.warning("intel feed fetch failed: the last good copy stays in use", metadata: [
                "feed": .string(feed.name), "host": .string(feed.host), "error": .string(error.description)])
            outcome = .failed
        }
        state.checkedAt = now
        if outcome != .failed { state.confirmedAt = now }
        do {
            try state.write(statePath)
        } catch {
            logger.warning("intel feed state not saved: the next fetch is unconditional", metadata: [
                "feed": .string(feed.name), "error": .string(error.description)])
        }
        let retry = outcome == .failed ? min(feed.refreshSeconds, limits.retrySeconds) : feed.refreshSeconds
        schedule.withLock { entries in
            let confirmed = outcome == .failed ? entries[feed.name]?.confirmed : now
            entries[feed.name] = (confirmed, now + Double(retry))
        }
        metrics.increment(Self.fetchesMetric, ["feed": feed.name, "result": outcome.rawValue])
        if outcome == .updated { onUpdate(feed) }
        return outcome
    }

    private func exchange(_ feed: IntelFeed, listPath: String, state: inout IntelFeedState) throws(IntelFeedError) -> Outcome {
        var request = AWSHTTPRequest(method: "GET", url: feed.url, headers: [("User-Agent", "firebreak-intel-feeds")])
        if FileManager.default.fileExists(atPath: listPath) {
            if let etag = state.etag { request.headers.append(("If-None-Match", etag)) }
            if let lastModified = state.lastModified { request.headers.append(("If-Modified-Since", lastModified)) }
        }
        let response: AWSHTTPResponse
        do {
            response = try transport.send(request, timeouts: AWSTimeouts(connect: limits.connectTimeout, total: limits.totalTimeout,
                                                                         maxResponseBytes: limits.maxResponseBytes))
        } catch {
            throw IntelFeedError("\(feed.host): \(error.kind == .transport ? "transport error" : "request refused"): \(error.message)")
        }
        switch response.status {
        case 304:
            logger.debug("intel feed not modified", metadata: ["feed": .string(feed.name), "host": .string(feed.host)])
            return .notModified
        case 200:
            let (bytes, entries) = try feed.format.fileContents(response.body, source: "feed \(feed.name) from \(feed.host)")
            try Self.replace(listPath, with: bytes, folder: folder)
            state.etag = response.header("ETag")
            state.lastModified = response.header("Last-Modified")
            logger.info("intel feed updated", metadata: [
                "feed": .string(feed.name), "host": .string(feed.host), "entries": .stringConvertible(entries),
                "bytes": .stringConvertible(bytes.count), "file": .string(listPath)])
            return .updated
        default:
            throw IntelFeedError("\(feed.host) answered HTTP \(response.status)")
        }
    }

    /// Writes `bytes` to a hidden temporary file in `folder` (the list loader skips dot files), flushes it and
    /// renames it over `path`, so a reload sees the old list or the new one, never half of one.
    static func replace(_ path: String, with bytes: [UInt8], folder: String) throws(IntelFeedError) {
        let temporary = (folder as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(UUID().uuidString).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IntelFeedError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return fsync(fd) == 0
        }
        let error = errno
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(ok ? errno : error))
            unlink(temporary)
            throw IntelFeedError("cannot write \(path): \(reason)")
        }
    }
}
