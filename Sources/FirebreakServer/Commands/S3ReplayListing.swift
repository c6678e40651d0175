import FirebreakAWS

/// The objects `firebreak replay s3://bucket/prefix` reads, in the order it reads them.
///
/// Without `--since/--until`, every object under the prefix (all pages). With them, the tree is walked one level at
/// a time (ListObjectsV2 with delimiter `/`): a level of years (`2024/` or `year=2024/`), then of months, then of
/// days is listed only where it meets the range, and only the days in range are listed in full, so a bucket's other
/// days are never listed; other folders (accounts, `CloudTrail/`, regions, `http-endpoint-failed/`) are walked into.
/// An object whose key has no date path is then left out.
///
/// Left out always: folder markers (keys ending in `/`), empty objects, CloudTrail digest files (`CloudTrail-Digest/`:
/// signatures, not events) and archived objects (`GLACIER`, `DEEP_ARCHIVE`: restore them first), which are counted.
/// Objects are sorted by the day of their key, then by key: a day of every region before the next day.
struct S3ReplayListing {
    let s3: S3Client
    let location: S3Location
    let range: ReplayDateRange
    /// Keys per ListObjectsV2 page (1-1000; tests use small pages to exercise continuation).
    var pageSize = S3Client.maxKeysPerPage

    /// What the listing found.
    struct Result {
        var objects: [S3Object] = []
        /// Archived objects left out (they need a restore before GetObject).
        var archived: [S3Object] = []
        /// Objects in range-walked folders whose key has no date path, left out.
        var undated = 0
    }

    /// Nesting of non-date folders walked before the rest is listed flat and filtered by key.
    static let maxWalkDepth = 12

    func list() throws(AWSError) -> Result {
        var result = Result()
        if range.isUnbounded {
            try listAll(location.prefix, into: &result, keepUndated: true)
        } else {
            try walk(location.prefix, depth: 0, into: &result)
        }
        result.objects.sort { a, b in
            let (dayA, dayB) = (ReplayDateRange.day(inKey: a.key) ?? 0, ReplayDateRange.day(inKey: b.key) ?? 0)
            return dayA != dayB ? dayA < dayB : a.key < b.key
        }
        return result
    }

    /// Every object under `prefix`, filtered by the range when one is set.
    private func listAll(_ prefix: String, into result: inout Result, keepUndated: Bool) throws(AWSError) {
        try s3.listAllObjects(bucket: location.bucket, prefix: prefix, pageSize: pageSize) { page in
            for object in page.objects { keep(object, into: &result, keepUndated: keepUndated) }
            return true
        }
    }

    /// One level of `prefix` listed with delimiter `/`: its objects (kept when dated in range) and its folders.
    private func level(_ prefix: String, into result: inout Result) throws(AWSError) -> [String] {
        var folders: [String] = []
        try s3.listAllObjects(bucket: location.bucket, prefix: prefix, delimiter: "/", pageSize: pageSize) { page in
            for object in page.objects { keep(object, into: &result, keepUndated: false) }
            folders += page.commonPrefixes
            return true
        }
        return folders
    }

    private func walk(_ prefix: String, depth: Int, into result: inout Result) throws(AWSError) {
        for folder in try level(prefix, into: &result) {
            let name = Self.lastSegment(folder)
            if name == "CloudTrail-Digest" { continue }
            if let year = ReplayDateRange.yearSegment(name) {
                guard range.overlaps(year: year) else { continue }
                for monthFolder in try level(folder, into: &result) {
                    guard let month = ReplayDateRange.monthSegment(Self.lastSegment(monthFolder)),
                          range.overlaps(year: year, month: month) else { continue }
                    for dayFolder in try level(monthFolder, into: &result) {
                        guard let day = ReplayDateRange.daySegment(Self.lastSegment(dayFolder)),
                              range.contains(day: year * 10_000 + month * 100 + day) else { continue }
                        try listAll(dayFolder, into: &result, keepUndated: false)
                    }
                }
            } else if depth < Self.maxWalkDepth {
                try walk(folder, depth: depth + 1, into: &result)
            } else {
                try listAll(folder, into: &result, keepUndated: false)
            }
        }
    }

    private func keep(_ object: S3Object, into result: inout Result, keepUndated: Bool) {
        guard !object.key.hasSuffix("/"), object.size > 0, !object.key.contains("/CloudTrail-Digest/"),
              !object.key.hasPrefix("CloudTrail-Digest/") else { return }
        if let day = ReplayDateRange.day(inKey: object.key) {
            guard range.contains(day: day) else { return }
        } else if !keepUndated {
            result.undated += 1
            return
        }
        if object.isArchived {
            result.archived.append(object)
        } else {
            result.objects.append(object)
        }
    }

    /// `a/b/c/` → `c`.
    static func lastSegment(_ folder: String) -> Substring {
        var trimmed = Substring(folder)
        if trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed.split(separator: "/", omittingEmptySubsequences: false).last ?? trimmed
    }
}
