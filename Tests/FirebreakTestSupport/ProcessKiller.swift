import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Kills a process by id with SIGKILL and waits, bounded, until it is gone: for fault-proxy callbacks that end
/// the client of a cut call before its answer could arrive.
public enum ProcessKiller {
    /// Sends SIGKILL to `pid` and waits at most `timeout` until it is gone; true when it is.
    @discardableResult
    public static func kill(_ pid: Int32, timeout: Duration = .seconds(5)) -> Bool {
        guard pid > 0 else { return false }
        _ = Glibc.kill(pid, SIGKILL)
        let deadline = ContinuousClock.now + timeout
        while !isGone(pid) {
            if ContinuousClock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return true
    }

    /// No such process, or one that has died and waits to be reaped (a zombie: it runs no more code).
    public static func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // `pid (comm) S ...`: the state follows the last `)`, since comm may hold spaces and parentheses.
        guard let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state == "Z" || state == "X"
    }
}
