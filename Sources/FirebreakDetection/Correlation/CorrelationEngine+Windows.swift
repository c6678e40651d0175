extension CorrelationEngine {
    /// Matches at one millisecond with one tag (value hash, rule position, or 0 for event_count).
    struct Sample: Sendable {
        var time: Int64
        var tag: UInt64
        var count: Int
    }

    /// A window of one group: its count, the times of its first and last matches, and the event keys of a
    /// window that fired.
    struct Window: Sendable {
        var count: Int
        var first: Int64
        var last: Int64
        var eventKeys: [String] = []
    }

    /// One group of one rule: its recent matches as samples, the keys of its latest events, and its place in
    /// the group table's least-recently-touched list.
    struct Group: Sendable {
        var id: GroupID
        var previous = -1   // towards the most recently touched
        var next = -1       // towards the least recently touched
        var samples: [Sample] = []   // sorted by (time, tag)
        var keys: [(time: Int64, key: String)] = []
        var newest = Int64.min
        /// Matches at or before this time are ignored (the group fired up to here).
        var floor = Int64.min

        init(id: GroupID) { self.id = id }
    }
}

extension CorrelationEngine.Group {
    typealias Plan = CorrelationEngine.Plan
    typealias Sample = CorrelationEngine.Sample
    typealias Window = CorrelationEngine.Window

    /// Adds one match; when a window containing it meets the condition, resets the group and returns
    /// that window.
    mutating func add(time: Int64, tag: UInt64, eventKey: String, plan: Plan) -> Window? {
        guard time > floor else { return nil }
        if time > newest { newest = time }
        let cutoff = CorrelationEngine.minus(newest, plan.horizon)
        guard time >= cutoff else { return nil }  // later than the lateness allowed
        if let first = samples.first, first.time < cutoff {
            samples.removeFirst(samples.firstIndex { $0.time >= cutoff } ?? samples.count)
        }
        keys.removeAll { $0.time < cutoff }

        // Insert in (time, tag) order; the same millisecond and tag share a sample.
        var lo = 0, hi = samples.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if (samples[mid].time, samples[mid].tag) < (time, tag) { lo = mid + 1 } else { hi = mid }
        }
        if lo < samples.count, samples[lo].time == time, samples[lo].tag == tag {
            samples[lo].count += 1
        } else {
            samples.insert(Sample(time: time, tag: tag, count: 1), at: lo)
        }
        if samples.count > plan.sampleCap { samples.removeFirst(samples.count - plan.sampleCap) }
        keys.append((time, eventKey))
        if keys.count > plan.keyCap { keys.removeFirst(keys.count - plan.keyCap) }

        guard canFire(plan), var window = bestWindow(containing: time, plan: plan), window.count >= plan.firing
        else { return nil }
        window.eventKeys = keys.lazy.filter { $0.time >= window.first && $0.time <= window.last }.map(\.key)
        floor = window.last
        samples.removeFirst(samples.firstIndex { $0.time > window.last } ?? samples.count)
        keys.removeAll { $0.time <= window.last }
        return window
    }

    /// Whether the whole group holds enough to fire: a window counts at most one per sample (distinct values,
    /// rule positions) or per match (event_count), so a group with fewer cannot fire and needs no window search.
    private func canFire(_ plan: Plan) -> Bool {
        if samples.count >= plan.firing { return true }
        guard plan.rule.kind == .eventCount else { return false }
        var total = 0
        for sample in samples { total += sample.count }
        return total >= plan.firing
    }

    /// The window containing `time` with the highest count. Windows start at a sample's time `s` in
    /// `(time - span, time]` and hold the samples in `[s, s + span)`; any window containing `time` holds
    /// no more than one of these.
    private func bestWindow(containing time: Int64, plan: Plan) -> Window? {
        let span = plan.span
        let earliest = CorrelationEngine.minus(time, span)
        var start = samples.firstIndex { $0.time > earliest } ?? samples.count
        var end = start
        var best: Window?
        switch plan.rule.kind {
        case .eventCount, .valueCount, .temporal:
            let distinct = plan.rule.kind != .eventCount
            var total = 0
            var perTag: [UInt64: Int] = [:]
            while start < samples.count, samples[start].time <= time {
                let limit = CorrelationEngine.plus(samples[start].time, span)
                while end < samples.count, samples[end].time < limit {
                    if distinct {
                        perTag[samples[end].tag, default: 0] += samples[end].count
                        if perTag[samples[end].tag] == samples[end].count { total += 1 }
                    } else {
                        total += samples[end].count
                    }
                    end += 1
                }
                if total > (best?.count ?? 0) {
                    best = Window(count: total, first: samples[start].time, last: samples[end - 1].time)
                }
                if distinct {
                    let tag = samples[start].tag
                    let left = perTag[tag, default: 0] - samples[start].count
                    if left == 0 { perTag[tag] = nil; total -= 1 } else { perTag[tag] = left }
                } else {
                    total -= samples[start].count
                }
                start += 1
            }
        case .temporalOrdered:
            // Greedy earliest matching of the rules in order, from each sample of the first rule.
            while start < samples.count, samples[start].time <= time {
                defer { start += 1 }
                guard samples[start].tag == 0 else { continue }
                let limit = CorrelationEngine.plus(samples[start].time, span)
                var expected: UInt64 = 0
                var last = samples[start].time
                var index = start
                while index < samples.count, samples[index].time < limit {
                    if samples[index].tag == expected {
                        expected += 1
                        last = samples[index].time
                    }
                    index += 1
                }
                if Int(expected) > (best?.count ?? 0) {
                    best = Window(count: Int(expected), first: samples[start].time, last: last)
                }
            }
        }
        return best
    }
}
