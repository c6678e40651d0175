import FirebreakHTTP
import FirebreakResponse
import Foundation

/// `GET /healthz`: 200 while the service accepts deliveries and its store can commit them, else 503 with the
/// reason, so that a load balancer replaces a task that cannot take work (a full disk, a lost store file).
struct HealthCheck: Sendable {
    let accepting: AcceptanceGate
    let store: (any StateStore)?

    func response() -> HTTPResponse {
        guard accepting.isOpen else { return .text(503, "shutting down\n") }
        if let store, case .unwritable(let reason) = store.health(now: Date()) {
            return .text(503, "the store cannot commit deliveries: \(reason)\n")
        }
        return .text(200, "ok\n")
    }
}
