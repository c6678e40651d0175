import Foundation
import Synchronization

/// Standard output, shared by the JSON log lines (`JSONLogHandler`) and the EMF lines (`EMFWriter`): one writer at
/// a time and whole lines only, so that CloudWatch Logs never sees half of one line inside another.
public enum StandardOutput {
    private static let lock = Mutex<Void>(())

    /// Writes `text` (complete lines, each ending in "\n") in one piece.
    public static func write(_ text: String) {
        let data = Data(text.utf8)
        lock.withLock { _ in
            FileHandle.standardOutput.write(data)
        }
    }
}
