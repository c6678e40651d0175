import Dispatch
import Foundation
import Synchronization

/// Writes the registry's metrics as CloudWatch Embedded Metric Format lines (`EMFLineBuilder`) every `interval`, on
/// a Dispatch timer of its own, and once more when stopped (so the last interval before a shutdown is not lost).
/// The lines go through `StandardOutput` by default, which the JSON log lines share: the two never interleave.
public final class EMFWriter: Sendable {
    public let registry: MetricsRegistry
    public let intervalSeconds: Int
    /// The line builder and its memory of the previous totals; held while a flush builds and writes, so flushes
    /// (the timer's and the final one) follow each other and their increases add up.
    private let builder: Mutex<EMFLineBuilder>
    private let output: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "firebreak.emf")
    /// The timer, while running; touched only on `queue`.
    private let timer = Mutex<(any DispatchSourceTimer)?>(nil)
    private let stopped = Atomic<Bool>(false)

    /// - Parameter output: receives each flush's lines at once, each ending in a newline.
    public init(registry: MetricsRegistry, service: String, intervalSeconds: Int,
                output: @escaping @Sendable (String) -> Void = StandardOutput.write) {
        self.registry = registry
        self.intervalSeconds = max(1, intervalSeconds)
        self.builder = Mutex(EMFLineBuilder(service: service))
        self.output = output
    }

    /// Starts the timer: the first lines one interval from now.
    public func start() {
        queue.sync {
            guard !stopped.load(ordering: .acquiring) else { return }
            timer.withLock { current in
                guard current == nil else { return }
                let source = DispatchSource.makeTimerSource(queue: queue)
                let interval = DispatchTimeInterval.seconds(intervalSeconds)
                source.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
                source.setEventHandler { @Sendable [weak self] in self?.flush() }
                source.resume()
                current = source
            }
        }
    }

    /// Writes the lines of now; returns how many. Safe from any thread.
    @discardableResult
    public func flush(now: Date = Date()) -> Int {
        builder.withLock { builder in
            let lines = builder.lines(registry.snapshot(), timestampMillis: Int64((now.timeIntervalSince1970 * 1000).rounded()))
            guard !lines.isEmpty else { return 0 }
            output(lines.map { $0 + "\n" }.joined())
            return lines.count
        }
    }

    /// Stops the timer and writes the final lines; later calls do nothing.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // On the timer's queue: a tick in progress finishes first, and none comes after the cancel.
        queue.sync {
            timer.withLock { current in
                current?.cancel()
                current = nil
            }
        }
        flush()
    }
}
