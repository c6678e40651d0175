import Dispatch

// Timers: one timer source whose phase says what the connection waits for.
extension HTTPConnection {
    func arm(_ phase: TimerPhase, _ duration: Duration) {
        arm(phase, duration.dispatchInterval)
    }

    func arm(_ phase: TimerPhase, _ interval: DispatchTimeInterval) {
        timerPhase = phase
        timer?.schedule(deadline: .now() + interval)
    }

    func disarm() {
        timerPhase = .none
        timer?.schedule(deadline: .distantFuture)
    }

    func timerFired() {
        switch timerPhase {
        case .none:
            break
        case .handshake, .idle, .write, .linger:
            close()
        case .head:
            if state == .reading && parser.hasPartialRequest { fail(.headerTimeout) } else { close() }
        case .body:
            fail(.bodyTimeout)
        }
    }
}
