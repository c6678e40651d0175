/// One figure of results.json: a value next to the baseline measured in the same run, and their ratio.
struct BenchmarkResult: Encodable {
    var name: String
    var value: Double
    var unit: String
    var baseline: Double
    var ratio: Double
}
