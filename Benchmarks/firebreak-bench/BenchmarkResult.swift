/// One figure of results.json: a value next to the baseline measured in the same run, and their ratio; `detail`
/// (left out when nil) holds the figures behind it (the state table's requests by operation, say).
struct BenchmarkResult: Codable {
    var name: String
    var value: Double
    var unit: String
    var baseline: Double
    var ratio: Double
    var detail: [String: Double]? = nil
}
