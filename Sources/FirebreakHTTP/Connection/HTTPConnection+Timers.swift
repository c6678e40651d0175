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
            checkBodyProgress()
        }
    }

    /// How often a body's progress is checked against `bodyTimeout` and `minBodyBytesPerSecond`.
    static let bodyCheckInterval: Duration = .seconds(1)

    /// Arms the body timer for the next check (or the body deadline, if sooner).
    func armBodyCheck() {
        guard let started = bodyStarted else { return }
        let left = context.configuration.bodyTimeout - (ContinuousClock.now - started.at)
        arm(.body, min(max(left, .zero), HTTPConnection.bodyCheckInterval))
    }

    /// The body timer fired: past the deadline, or slower than the minimum rate after the grace time, the request
    /// is cut (408); otherwise the next check is armed. Neither bound is reset by the bytes that do arrive.
    func checkBodyProgress() {
        guard let started = bodyStarted, state == .reading, parser.isReadingBody else { return }
        let elapsed = ContinuousClock.now - started.at
        if elapsed >= context.configuration.bodyTimeout {
            fail(.bodyTimeout)
            return
        }
        let minimum = context.configuration.minBodyBytesPerSecond
        if minimum > 0, elapsed >= context.configuration.minBodyRateGrace {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if Double(bytesRead - started.bytes) < Double(minimum) * seconds {
                fail(.bodyTooSlow(minimum: minimum))
                return
            }
        }
        armBodyCheck()
    }
}
