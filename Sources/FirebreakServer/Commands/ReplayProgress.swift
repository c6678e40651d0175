import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The progress line of `firebreak replay` on a terminal (standard error): objects done of all, bytes read, events,
/// findings, rate and time left, redrawn in place at most four times a second, then a summary line. Disabled (on a
/// pipe) it writes nothing at all. Used by the replay's one thread.
final class ReplayProgress {
    let enabled: Bool
    private let totalObjects: Int
    /// Bytes of every input, when all their sizes are known (S3 listings, local files; not standard input).
    private let totalBytes: Int64?
    private let write: (String) -> Void
    private let columns: Int
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    private var drawn = false

    private(set) var objects = 0
    private(set) var bytes: Int64 = 0
    private(set) var events = 0
    private(set) var findings = 0
    /// Bytes of the input being read, counted as they arrive (an S3 object's chunks).
    private var partial: Int64 = 0

    /// Redraws are at least this far apart.
    static let interval: Duration = .milliseconds(250)

    init(enabled: Bool, totalObjects: Int, totalBytes: Int64?, columns: Int? = nil,
         write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.enabled = enabled
        self.totalObjects = totalObjects
        self.totalBytes = totalBytes
        self.write = write
        self.columns = max(20, columns ?? Self.terminalColumns() ?? 100)
        started = clock.now
        if enabled { draw() }
    }

    /// Whether standard error is a terminal: the default for showing progress.
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Bytes of the input in hand arrived.
    func reading(_ count: Int) {
        partial += Int64(count)
        redraw()
    }

    /// One input done: its bytes, events and findings.
    func finished(bytes count: Int64, events newEvents: Int, findings newFindings: Int) {
        objects += 1
        bytes += count
        partial = 0
        events += newEvents
        findings += newFindings
        redraw()
    }

    /// Clears the line before something else is written to the terminal (`resume()` draws it again).
    func suspend() {
        guard enabled, drawn else { return }
        write("\r\u{1B}[K")
        drawn = false
    }

    /// Draws the line again, unless it was drawn less than `interval` ago (the next update or `finish` will).
    func resume() {
        guard enabled, !drawn else { return }
        redraw()
    }

    /// The final line, then the summary (with `extra`, e.g. what `--respond` committed) on its own line.
    func finish(extra: String? = nil) {
        guard enabled else { return }
        draw()
        let elapsed = clock.now - started
        var summary = "\(Self.count(objects)) \(objects == 1 ? "object" : "objects"), \(Self.size(bytes)), "
            + "\(Self.count(events)) events, \(Self.count(findings)) \(findings == 1 ? "finding" : "findings") in "
            + Self.elapsed(elapsed)
        if let rate = rate(elapsed) { summary += " (\(Self.size(Int64(rate)))/s)" }
        if let extra { summary += "; " + extra }
        write("\nfirebreak replay: done: \(summary)\n")
        drawn = false
    }

    private func redraw() {
        guard enabled else { return }
        let now = clock.now
        if let lastDraw, now - lastDraw < Self.interval { return }
        draw()
    }

    private func draw() {
        lastDraw = clock.now
        let elapsed = clock.now - started
        let read = bytes + partial
        var line = "firebreak replay: \(Self.count(objects))/\(Self.count(totalObjects)) objects, \(Self.size(read))"
        if let totalBytes, totalBytes > 0 { line += " of \(Self.size(totalBytes))" }
        line += ", \(Self.count(events)) events, \(Self.count(findings)) \(findings == 1 ? "finding" : "findings")"
        if let rate = rate(elapsed) {
            line += ", \(Self.size(Int64(rate)))/s"
            if let totalBytes, rate > 0, read < totalBytes {
                line += ", ETA " + Self.elapsed(.seconds(Double(totalBytes - read) / rate))
            }
        }
        // One terminal row, or a redraw would leave the wrapped part behind.
        if line.count >= columns { line = String(line.prefix(columns - 1)) }
        write("\r\u{1B}[K" + line)
        drawn = true
    }

    /// Bytes per second so far; nil before a quarter second has passed.
    private func rate(_ elapsed: Duration) -> Double? {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard seconds >= 0.25 else { return nil }
        return Double(bytes + partial) / seconds
    }

    static func terminalColumns() -> Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// `1,234,567`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// `512 B`, `4.0 KiB`, `12.3 MiB`, `1.20 GiB`.
    static func size(_ bytes: Int64) -> String {
        let value = Double(bytes)
        if value < 1024 { return "\(bytes) B" }
        if value < 1024 * 1024 { return String(format: "%.1f KiB", value / 1024) }
        if value < 1024 * 1024 * 1024 { return String(format: "%.1f MiB", value / 1024 / 1024) }
        return String(format: "%.2f GiB", value / 1024 / 1024 / 1024)
    }

    /// `0.4s`, `45s`, `3m07s`, `2h05m`.
    static func elapsed(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if seconds < 10 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm", whole / 3600, whole % 3600 / 60)
    }
}
