import FirebreakAWS
import Foundation

extension ActionExecutor {
    /// Imports claimed Security Hub exports (`SecurityHubExportStep`): grouped by the runner of their finding's account
    /// and region, as ASFF, up to 100 findings and 6 MB per BatchImportFindings call. Each export then ends by its own
    /// answer: imported (`done`, or back when its finding's window closes to import the final count), refused (failed,
    /// or retried when the cause may pass), or skipped (the finding's account is out of reach: counted as
    /// `foreign_account`; the finding is gone from the store).
    func exportToSecurityHub(_ records: [ActionRecord]) throws(StoreError) {
        var groups: [ObjectIdentifier: (runner: StepRunner, records: [ActionRecord])] = [:]
        var order: [ObjectIdentifier] = []
        for record in records {
            let place = record.action.place
            let choice: AccountRunners.Choice
            do throws(AWSError) {
                choice = try runners.runner(account: place.account, region: place.region)
            } catch {
                try retryOrFail(record, error: error)
                continue
            }
            switch choice {
            case .unavailable(let reason):
                count("foreign_account")
                try finish(record, .skipped, reason: reason)
            case .runner(let runner):
                guard runner.securityHub != nil else {
                    try finish(record, .skipped, reason: "no Security Hub client configured")
                    continue
                }
                let key = ObjectIdentifier(runner)
                if groups[key] == nil { order.append(key) }
                groups[key, default: (runner, [])].records.append(record)
            }
        }
        for key in order {
            guard let group = groups[key] else { continue }
            try importGroup(group.records, runner: group.runner)
        }
    }

    /// One account and region: renders each export's finding, then imports them in calls of at most 100 and 6 MB.
    private func importGroup(_ records: [ActionRecord], runner: StepRunner) throws(StoreError) {
        guard let securityHub = runner.securityHub else { return }
        let now = Date()
        let own = runners.ownAccount()
        var ready: [(record: ActionRecord, finding: StoredFinding, asff: ASFFFinding)] = []
        for record in records {
            guard let finding = try store.finding(id: record.action.findingID)?.0 else {
                try finish(record, .skipped, reason: "finding \(record.action.findingID) is no longer in the store")
                continue
            }
            do throws(AWSError) {
                let asff = try SecurityHubExportStep.render(finding, place: record.action.place, ownAccount: own,
                                                            region: securityHub.client.region, now: now)
                ready.append((record, finding, asff))
            } catch {
                try retryOrFail(record, error: error)
            }
        }
        var start = 0
        while start < ready.count {
            var end = start
            var bytes = 0
            while end < ready.count, end - start < SecurityHubClient.maxFindingsPerImport,
                  bytes + ready[end].asff.json.utf8.count + 1 < SecurityHubClient.maxImportBytes - 64 {
                bytes += ready[end].asff.json.utf8.count + 1
                end += 1
            }
            if end == start { end = start + 1 }   // one finding above the call's size: the client refuses it with its reason
            let chunk = ready[start..<end]
            start = end
            let result: SecurityHubImportResult
            do throws(AWSError) {
                result = try securityHub.batchImportFindings(chunk.map(\.asff.json))
            } catch {
                for item in chunk { try retryOrFail(item.record, error: error) }
                continue
            }
            var failures: [String: SecurityHubImportFailure] = [:]
            for failure in result.failures { failures[failure.id] = failure }
            for item in chunk {
                if let failure = failures[item.asff.id] {
                    try retryOrFail(item.record, error: SecurityHubExportStep.error(failure))
                    continue
                }
                let message = SecurityHubExportStep.imported(item.asff, count: item.finding.count)
                // The finding's window is still open: it may be counted again; come back when it closes.
                if let windowEnd = item.finding.windowEndMillis {
                    let closes = Date(timeIntervalSince1970: TimeInterval(windowEnd) / 1000 + SummaryAlerts.grace)
                    if closes > now {
                        try store.retryLater(actionID: item.record.action.id,
                                             error: message + "; imported again with its final count when its window "
                                                 + "closes", notBefore: closes, awsRequestIDs: [], now: Date())
                        continue
                    }
                }
                try finish(item.record, .done, reason: message)
            }
        }
    }
}
