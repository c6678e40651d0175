import Synchronization

/// Evaluates correlation rules over the matches of base rules, with sliding windows of event time and
/// a fixed memory bound. One engine is shared by all workers; `observe` is thread-safe.
///
/// **Windows.** A window is `timespan` long and half-open: matches at `t0` and `t1` fall in one window
/// when `t1 - t0 < timespan`. Time is the event's own time (`DetectionEvent.timeMillis`), never the
/// wall clock, so a replayed or delayed batch gives the same answers. Matches may arrive out of order:
/// each group keeps the matches of the last `timespan + allowedLateness` of event time (behind the
/// newest match of that group), and each arrival is checked against every window that contains it.
/// A match older than that horizon, in its group, is ignored.
///
/// **Firing.** Counts grow one match at a time and are checked as matches arrive, so `gte n` and
/// `eq n` both fire when a window first reaches `n` (and `gt n` at `n + 1`). When a group fires, the
/// engine returns one `CorrelationHit` and resets the group: the matches up to the last one of the
/// firing window are forgotten, and matches at or before that time are ignored from then on, so the
/// group fires again only after a fresh window's worth of later matches.
///
/// **Chains.** A correlation rule may reference another correlation rule by id or name: a hit of
/// the inner rule counts as a match of it, read from the event that completed it (up to
/// `maxChainDepth` levels).
///
/// **Memory.** At most `maxOpenGroups` groups across all rules. Touching a group moves it to the front
/// of a least-recently-touched list; a new group at the cap evicts the one at the back (counted in
/// `evictions`), and groups whose newest match has fallen out of the horizon of the newest event time
/// seen are retired from the back as well (counted in `expirations`); both are O(1). A group keeps
/// at most `min(256, max(32, 4 × the count that fires))` distinct (time, value) samples — matches at
/// the same millisecond with the same value share one — dropping the oldest beyond that, and the
/// keys of its most recent `min(maxEventKeysPerHit, max(8, the count that fires))` matches. A sample
/// is 24 bytes and a flow event key about 150, so a full group of a rule firing at 10 holds about
/// 40 × 24 + 10 × 150 ≈ 2.5 KB (100,000 such groups ≈ 250 MB); the ceiling, for thresholds of 64 and
/// more, is 256 × 24 + 20 × 150 ≈ 9 KB a group. Typical groups hold a few samples.
///
/// `lt`/`lte` conditions are refused by `CorrelationRule.parse` (see there).
public final class CorrelationEngine: Sendable {
    /// Event keys kept per group and reported per hit.
    public static let maxEventKeysPerHit = 20
    /// Correlations of correlations deeper than this are not followed.
    public static let maxChainDepth = 4

    public let rules: [CorrelationRule]
    public let maxOpenGroups: Int
    public let allowedLatenessMillis: Int64

    private let plans: [Plan]
    /// Referenced rule id or name → the correlations (and the position in their `rules`) that use it.
    private let references: [String: [Reference]]
    private let state: Mutex<State>

    /// - Parameters:
    ///   - maxOpenGroups: groups kept across all rules before the least recently touched is evicted.
    ///   - allowedLatenessMillis: how far behind the newest match of a group a match may arrive and
    ///     still count (flow logs arrive minutes out of order); default 10 minutes.
    public init(rules: [CorrelationRule], maxOpenGroups: Int = 100_000, allowedLatenessMillis: Int64 = 600_000) {
        self.rules = rules
        self.maxOpenGroups = max(1, maxOpenGroups)
        self.allowedLatenessMillis = max(0, allowedLatenessMillis)
        var plans: [Plan] = []
        var references: [String: [Reference]] = [:]
        for (index, rule) in rules.enumerated() {
            plans.append(Plan(rule, lateness: self.allowedLatenessMillis))
            for (position, reference) in rule.rules.enumerated() {
                references[reference, default: []].append(Reference(correlation: index, position: position))
            }
        }
        self.plans = plans
        self.references = references
        self.state = Mutex(State())
    }

    /// True when some correlation rule references the rule with this id or name.
    public func isReferenced(ruleID: String, ruleName: String?) -> Bool {
        references[ruleID] != nil || ruleName.map { references[$0] != nil } == true
    }

    /// Records one match of base rule `ruleID` (and its `name`, if it has one) on `event`; returns the
    /// correlations that fired because of it. Cheap (two dictionary lookups, no lock) when no
    /// correlation references the rule.
    public func observe(ruleID: String, ruleName: String?, event: DetectionEvent) -> [CorrelationHit] {
        observe(ruleID: ruleID, ruleName: ruleName, event: event, depth: 0)
    }

    /// Groups currently held, across all rules (for `/metrics`).
    public var openGroups: Int { state.withLock { $0.index.count } }
    /// Groups dropped because `maxOpenGroups` was reached (for `/metrics`).
    public var evictions: Int { state.withLock { $0.evictions } }
    /// Groups retired because their newest match fell out of the window and lateness horizon.
    public var expirations: Int { state.withLock { $0.expirations } }

    // MARK: - Observing

    private func observe(ruleID: String, ruleName: String?, event: DetectionEvent, depth: Int) -> [CorrelationHit] {
        var refs = references[ruleID] ?? []
        if let ruleName, ruleName != ruleID, let more = references[ruleName] {
            for ref in more where !refs.contains(where: { $0.correlation == ref.correlation }) { refs.append(ref) }
        }
        guard !refs.isEmpty else { return [] }

        // Everything read from the event is read before taking the lock.
        var arrivals: [Arrival] = []
        arrivals.reserveCapacity(refs.count)
        for ref in refs {
            let plan = plans[ref.correlation]
            let key = plan.groupFields[ref.position].map { Self.text(event.values(at: $0)) }
            let tag: UInt64
            switch plan.rule.kind {
            case .eventCount:
                tag = 0
            case .valueCount:
                guard let field = plan.rule.valueField else { continue }
                let values = event.values(at: field)
                guard !values.isEmpty else { continue }  // no value, nothing to count
                var hasher = Hasher()
                hasher.combine(Self.text(values))
                tag = UInt64(bitPattern: Int64(hasher.finalize()))
            case .temporal, .temporalOrdered:
                tag = UInt64(ref.position)
            }
            arrivals.append(Arrival(group: GroupID(correlation: ref.correlation, values: key), tag: tag))
        }
        guard !arrivals.isEmpty else { return [] }
        let time = event.timeMillis
        let eventKey = event.eventKey

        let fired: [(Int, [String], Window, [String])] = state.withLock { state in
            var fired: [(Int, [String], Window, [String])] = []
            for arrival in arrivals {
                if let window = state.record(arrival, time: time, eventKey: eventKey, plans: plans,
                                             maxGroups: maxOpenGroups) {
                    fired.append((arrival.group.correlation, arrival.group.values, window, window.eventKeys))
                }
            }
            return fired
        }

        var hits: [CorrelationHit] = []
        for (correlation, values, window, keys) in fired {
            let rule = rules[correlation]
            var groupKey: [String: String] = [:]
            for (field, value) in zip(rule.groupBy, values) { groupKey[field.raw] = value }
            let hit = CorrelationHit(rule: rule, groupKey: groupKey, count: window.count,
                                     firstMillis: window.first, lastMillis: window.last, eventKeys: keys)
            hits.append(hit)
            if depth < Self.maxChainDepth, rule.id != nil || rule.name != nil {
                hits += observe(ruleID: rule.id ?? rule.name ?? "", ruleName: rule.name, event: event, depth: depth + 1)
            }
        }
        return hits
    }

    /// Several values (a path across a list) are joined with commas; none is the empty string.
    private static func text(_ values: [FieldValue]) -> String {
        switch values.count {
        case 0: return ""
        case 1: return values[0].description
        default: return values.map(\.description).joined(separator: ",")
        }
    }

    // MARK: - Types

    private struct Reference: Sendable {
        var correlation: Int
        var position: Int
    }

    /// What is precomputed per correlation rule.
    fileprivate struct Plan: Sendable {
        let rule: CorrelationRule
        /// Per referenced rule (by position): the fields read for the group key, aliases applied.
        let groupFields: [[FieldPath]]
        let span: Int64
        let horizon: Int64
        let firing: Int
        let sampleCap: Int
        let keyCap: Int

        init(_ rule: CorrelationRule, lateness: Int64) {
            self.rule = rule
            groupFields = rule.rules.map { reference in
                rule.groupBy.map { field in rule.aliases[field.raw]?[reference] ?? field }
            }
            span = rule.timespanMillis
            horizon = rule.timespanMillis + lateness
            firing = max(1, rule.condition.firingCount)
            sampleCap = min(256, max(32, 4 * firing))
            keyCap = min(CorrelationEngine.maxEventKeysPerHit, max(8, firing))
        }
    }

    fileprivate struct GroupID: Hashable, Sendable {
        var correlation: Int
        var values: [String]
    }

    fileprivate struct Arrival: Sendable {
        var group: GroupID
        var tag: UInt64
    }

    /// Matches at one millisecond with one tag (value hash, rule position, or 0 for event_count).
    fileprivate struct Sample: Sendable {
        var time: Int64
        var tag: UInt64
        var count: Int
    }

    fileprivate struct Window: Sendable {
        var count: Int
        var first: Int64
        var last: Int64
        var eventKeys: [String] = []
    }

    fileprivate struct Group: Sendable {
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

    fileprivate struct State: Sendable {
        var index: [GroupID: Int] = [:]
        var slots: [Group] = []
        var free: [Int] = []
        var head = -1
        var tail = -1
        var evictions = 0
        var expirations = 0
        /// Newest event time seen by any group.
        var clock = Int64.min
    }
}

// MARK: - Group table

extension CorrelationEngine.State {
    typealias Plan = CorrelationEngine.Plan

    /// Adds one match to its group (creating, touching, evicting and expiring groups as needed);
    /// returns the window that fired, if one did.
    mutating func record(_ arrival: CorrelationEngine.Arrival, time: Int64, eventKey: String, plans: [Plan],
                         maxGroups: Int) -> CorrelationEngine.Window? {
        if time > clock { clock = time }
        expireStale(plans: plans)
        let slot: Int
        if let existing = index[arrival.group] {
            slot = existing
            moveToFront(slot)
        } else {
            if index.count >= maxGroups, tail >= 0 {
                remove(tail)
                evictions += 1
            }
            if let reused = free.popLast() {
                slots[reused] = CorrelationEngine.Group(id: arrival.group)
                slot = reused
            } else {
                slots.append(CorrelationEngine.Group(id: arrival.group))
                slot = slots.count - 1
            }
            index[arrival.group] = slot
            linkAtFront(slot)
        }
        return slots[slot].add(time: time, tag: arrival.tag, eventKey: eventKey,
                               plan: plans[arrival.group.correlation])
    }

    /// Retires up to two groups from the back whose newest match is behind the horizon of the clock
    /// (amortized O(1); the back is the least recently touched, so stale groups drift there).
    private mutating func expireStale(plans: [Plan]) {
        for _ in 0..<2 {
            let last = tail
            guard last >= 0 else { return }
            let plan = plans[slots[last].id.correlation]
            guard slots[last].newest < CorrelationEngine.minus(clock, plan.horizon) else { return }
            remove(last)
            expirations += 1
        }
    }

    private mutating func remove(_ slot: Int) {
        unlink(slot)
        index.removeValue(forKey: slots[slot].id)
        slots[slot] = CorrelationEngine.Group(id: CorrelationEngine.GroupID(correlation: -1, values: []))
        free.append(slot)
    }

    private mutating func moveToFront(_ slot: Int) {
        guard head != slot else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let previous = slots[slot].previous, next = slots[slot].next
        if previous >= 0 { slots[previous].next = next } else { head = next }
        if next >= 0 { slots[next].previous = previous } else { tail = previous }
        slots[slot].previous = -1
        slots[slot].next = -1
    }

    private mutating func linkAtFront(_ slot: Int) {
        slots[slot].previous = -1
        slots[slot].next = head
        if head >= 0 { slots[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
    }
}

// MARK: - Windows

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

        guard var window = bestWindow(containing: time, plan: plan), window.count >= plan.firing else { return nil }
        window.eventKeys = keys.lazy.filter { $0.time >= window.first && $0.time <= window.last }.map(\.key)
        floor = window.last
        samples.removeFirst(samples.firstIndex { $0.time > window.last } ?? samples.count)
        keys.removeAll { $0.time <= window.last }
        return window
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

extension CorrelationEngine {
    /// Saturating arithmetic on event times (a record may carry any number).
    static func minus(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? .min : value
    }

    static func plus(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : value
    }
}
