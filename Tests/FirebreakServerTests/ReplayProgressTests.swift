import Synchronization
import Testing
@testable import FirebreakServer

/// The replay's progress line and summary: written only when enabled, one terminal row, totals in the summary.
@Suite struct ReplayProgressTests {
    /// What the progress wrote.
    final class Written: Sendable {
        private let parts = Mutex<[String]>([])
        func append(_ text: String) { parts.withLock { $0.append(text) } }
        var text: String { parts.withLock { $0.joined() } }
    }

    @Test func disabledItWritesNothing() {
        let written = Written()
        let progress = ReplayProgress(enabled: false, totalObjects: 3, totalBytes: 300, columns: 80) { written.append($0) }
        progress.reading(10)
        progress.finished(bytes: 100, events: 5, findings: 1)
        progress.suspend()
        progress.resume()
        progress.finish(extra: "committed 1 input")
        #expect(written.text.isEmpty)
    }

    @Test func enabledItDrawsInPlaceAndSummarises() {
        let written = Written()
        let progress = ReplayProgress(enabled: true, totalObjects: 2, totalBytes: 3 << 20, columns: 200) { written.append($0) }
        #expect(written.text == "\r\u{1B}[Kfirebreak replay: 0/2 objects, 0 B of 3.0 MiB, 0 events, 0 findings")
        progress.finished(bytes: 1 << 20, events: 1_234_567, findings: 1)
        progress.finished(bytes: 2 << 20, events: 1, findings: 2)
        progress.suspend()
        #expect(written.text.hasSuffix("\r\u{1B}[K"))
        progress.finish(extra: "committed 2 inputs")
        let lines = written.text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix("firebreak replay: 2/2 objects, 3.0 MiB of 3.0 MiB, 1,234,568 events, 3 findings")
                || lines[0].contains("firebreak replay: 2/2 objects, 3.0 MiB of 3.0 MiB, 1,234,568 events, 3 findings,"))
        #expect(lines[1].hasPrefix("firebreak replay: done: 2 objects, 3.0 MiB, 1,234,568 events, 3 findings in "))
        #expect(lines[1].hasSuffix("; committed 2 inputs"))
    }

    @Test func theLineFitsOneTerminalRow() {
        let written = Written()
        _ = ReplayProgress(enabled: true, totalObjects: 123_456, totalBytes: 1 << 40, columns: 30) { written.append($0) }
        let line = written.text.replacingOccurrences(of: "\r\u{1B}[K", with: "")
        #expect(line.count == 29)
    }

    @Test func sizesCountsAndDurationsReadWell() {
        #expect(ReplayProgress.count(0) == "0" && ReplayProgress.count(999) == "999" && ReplayProgress.count(1000) == "1,000")
        #expect(ReplayProgress.count(12_345_678) == "12,345,678")
        #expect(ReplayProgress.size(512) == "512 B" && ReplayProgress.size(1536) == "1.5 KiB")
        #expect(ReplayProgress.size(5 << 30) == "5.00 GiB")
        #expect(ReplayProgress.elapsed(.milliseconds(400)) == "0.4s" && ReplayProgress.elapsed(.seconds(45)) == "45s")
        #expect(ReplayProgress.elapsed(.seconds(187)) == "3m07s" && ReplayProgress.elapsed(.seconds(7500)) == "2h05m")
    }
}
