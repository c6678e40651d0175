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
/// **Transactions.** `observe` keeps what it records at once. A Firehose delivery is recorded as one
/// transaction instead (`transaction(_:keepIf:)`): its matches are prepared without a lock (`prepare`), then
/// recorded and handed to a decision (the store commit) under a lock that admits one transaction at a time;
/// when the decision throws or says no, every update of the transaction is undone from its undo log, so a
/// delivery that is not committed leaves the windows as they were and its redelivery counts as a first time.
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
    /// Held by one `observe` or one transaction at a time, so a transaction's undo log sees no other update.
    private let transactions = Mutex<Void>(())

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
        guard let match = prepare(ruleID: ruleID, ruleName: ruleName, event: event) else { return [] }
        return transactions.withLock { _ in record(match, depth: 0) }
    }

    /// Reads from `event` what the correlations that count a match of `ruleID` (or `ruleName`) need, without a
    /// lock; nil when none counts it. Record it later with `transaction(_:keepIf:)`.
    public func prepare(ruleID: String, ruleName: String?, event: DetectionEvent) -> CorrelationMatch? {
        var refs = references[ruleID] ?? []
        if let ruleName, ruleName != ruleID, let more = references[ruleName] {
            for ref in more where !refs.contains(where: { $0.correlation == ref.correlation }) { refs.append(ref) }
        }
        guard !refs.isEmpty else { return nil }

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
        guard !arrivals.isEmpty else { return nil }
        return CorrelationMatch(arrivals: arrivals, eventKey: event.eventKey, event: event)
    }

    /// Records `matches` in order and passes their hits (one list per match) to `decide`, as one transaction:
    /// when `decide` throws or returns false, every update the matches made is undone. Transactions (and
    /// `observe`) run one at a time; `decide` must not use this engine.
    public func transaction<E: Error>(_ matches: [CorrelationMatch],
                                      keepIf decide: ([[CorrelationHit]]) throws(E) -> Bool) throws(E) -> [[CorrelationHit]] {
        // The kept undo log is freed after the locks are released: a delivery's log holds the before-images of
        // every group it touched, and freeing them need not hold up the next delivery's commit.
        let outcome = try transactions.withLock { _ throws(E) -> (hits: [[CorrelationHit]], spent: Journal?) in
            state.withLock { $0.beginJournal() }
            var hits: [[CorrelationHit]] = []
            hits.reserveCapacity(matches.count)
            for match in matches { hits.append(record(match, depth: 0)) }
            let keep: Bool
            do throws(E) {
                keep = try decide(hits)
            } catch {
                state.withLock { $0.rollBack() }
                throw error
            }
            let spent = state.withLock { state -> Journal? in
                guard keep else { state.rollBack(); return nil }
                return state.keepJournal()
            }
            return (hits, spent)
        }
        return outcome.hits
    }

    /// The matches of a delivery counted per (rule, group, bucket) for a shared state (`SharedCorrelationState`),
    /// instead of recorded here. Chains (a correlation of correlations) are not followed: their inner hits come from
    /// the shared state after the fact.
    func tallies(_ matches: [(position: Int, match: CorrelationMatch)]) -> [CorrelationTally] {
        var tallies: [CorrelationTally] = []
        var index: [GroupBucket: Int] = [:]
        for (position, match) in matches {
            let event = match.event
            for arrival in match.arrivals {
                let plan = plans[arrival.group.correlation]
                let rule = plan.rule
                let width = CorrelationTally.bucketWidth(rule)
                let bucket = CorrelationTally.bucket(event.timeMillis, width: width)
                let key = GroupBucket(group: arrival.group, bucket: bucket)
                let slot: Int
                if let existing = index[key] {
                    slot = existing
                } else {
                    var hash = StableID()
                    hash.add(rule.identifier)
                    for value in arrival.group.values { hash.add(value) }
                    tallies.append(CorrelationTally(rule: rule, groupValues: arrival.group.values, groupHash: hash.text,
                                                    bucketMillis: bucket, bucketWidth: width, firstMillis: event.timeMillis,
                                                    lastMillis: event.timeMillis, lastEvent: event, position: position))
                    slot = tallies.count - 1
                    index[key] = slot
                }
                switch rule.kind {
                case .eventCount:
                    tallies[slot].count += 1
                case .valueCount:
                    guard let field = rule.valueField else { continue }
                    var hash = StableID()
                    hash.add(Self.text(event.values(at: field)))
                    tallies[slot].values.insert(hash.text)
                case .temporal, .temporalOrdered:
                    tallies[slot].values.insert("p\(arrival.tag)")
                }
                tallies[slot].firstMillis = min(tallies[slot].firstMillis, event.timeMillis)
                tallies[slot].lastMillis = max(tallies[slot].lastMillis, event.timeMillis)
                if tallies[slot].eventKeys.count < Self.maxEventKeysPerHit { tallies[slot].eventKeys.append(match.eventKey) }
                tallies[slot].lastEvent = event
                tallies[slot].position = position
            }
        }
        return tallies
    }

    private struct GroupBucket: Hashable {
        var group: GroupID
        var bucket: Int64
    }

    /// Groups currently held, across all rules (for `/metrics`).
    public var openGroups: Int { state.withLock { $0.index.count } }
    /// Groups dropped because `maxOpenGroups` was reached (for `/metrics`).
    public var evictions: Int { state.withLock { $0.evictions } }
    /// Groups retired because their newest match fell out of the window and lateness horizon.
    public var expirations: Int { state.withLock { $0.expirations } }

    // MARK: - Observing

    /// Records one prepared match (and the chains its hits complete); the caller holds `transactions`.
    private func record(_ match: CorrelationMatch, depth: Int) -> [CorrelationHit] {
        let arrivals = match.arrivals
        let event = match.event
        let time = event.timeMillis
        let eventKey = match.eventKey

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
            if depth < Self.maxChainDepth, rule.id != nil || rule.name != nil,
               let chained = prepare(ruleID: rule.id ?? rule.name ?? "", ruleName: rule.name, event: event) {
                hits += record(chained, depth: depth + 1)
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

    /// What is precomputed per correlation rule (one shared object: reading a plan per match is one reference).
    final class Plan: Sendable {
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
