extension RecordDecoder {
    /// Every record of a parsed Firehose delivery decoded: the one way a delivery's records are decoded, for the
    /// endpoint, `replay` and `decode`. All records together may inflate to at most `budget` bytes; passing it is
    /// `.budgetExceeded` (thrown as soon as a record's inflating passes what is left), so a caller can tell it from a
    /// record that is corrupt.
    public func decodeRecords(of delivery: FirehoseDelivery, budget: Int = .max) throws(RecordDecodeError)
        -> RecordDecodeResult {
        var left = budget
        var total = RecordDecodeResult()
        for (index, record) in delivery.records.enumerated() {
            let inflated: Int
            do {
                inflated = try decode(record: record, index: index, maxDecompressedBytes: left == .max ? nil : left,
                                      into: &total)
            } catch {
                if case .gzip(_, .outputLimitExceeded(let limit)) = error, limit == left, left < configuration.maxDecompressedBytes {
                    throw .budgetExceeded(budget: budget)
                }
                throw error
            }
            left -= inflated
        }
        return total
    }
}
