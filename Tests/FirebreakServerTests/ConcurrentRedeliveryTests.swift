import FirebreakResponse
import Testing
@testable import FirebreakServer

/// One request id is evaluated and committed by one request at a time.
@Suite struct ConcurrentRedeliveryTests {
    @Test func aSecondRequestWithTheSameIDIsToldToRetry() throws {
        let store = try ResponseStore(path: ":memory:")
        let coordinator = ResponseCoordinator(store: store, planner: ResponsePlanner(playbooks: PlaybookSet(playbooks: []), mode: .observe),
                                              executor: nil)
        try coordinator.begin("req-1")
        #expect(throws: BatchRetryLater.self) { try coordinator.begin("req-1") }
        try coordinator.begin("req-2")   // another delivery is not held up
        coordinator.finish("req-1")
        try coordinator.begin("req-1")
        coordinator.finish("req-1")
        coordinator.finish("req-2")
    }
}
