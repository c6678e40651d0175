import Foundation

/// Waiting for state another process reaches in its own time (a service's executor acting on its outbox): a bound
/// on how long to wait, never a timed assertion.
public enum Polling {
    /// Asks `condition` every 0.2 s until it holds or `seconds` have passed; returns its last answer.
    public static func holds(within seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(200_000)
        }
        return try condition()
    }
}
