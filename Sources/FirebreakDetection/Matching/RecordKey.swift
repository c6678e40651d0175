import Synchronization

/// Top-level keys of JSON records (CloudTrail's `eventName`, `userIdentity`, `requestParameters`, ...) as small
/// numbers, interned once for the process when rules are compiled: a record's members are found once per event into
/// a table indexed by these numbers (`RecordKeyTable`), and a field matcher reads its first path component from there.
enum RecordKey {
    private static let ids = Mutex<[String: Int]>([:])

    /// The number of `key`, the same for the life of the process.
    static func id(_ key: String) -> Int {
        ids.withLock { ids in
            if let id = ids[key] { return id }
            let id = ids.count
            ids[key] = id
            return id
        }
    }

    /// Where CloudTrail puts its first members (they come before the optional `errorCode`): a member at its usual
    /// position is taken even when the key repeats later, as field matchers have always read it.
    static let cloudTrailOrder: [String: Int] = [
        "eventVersion": 0, "userIdentity": 1, "eventTime": 2, "eventSource": 3, "eventName": 4,
        "awsRegion": 5, "sourceIPAddress": 6, "userAgent": 7,
    ]
}
