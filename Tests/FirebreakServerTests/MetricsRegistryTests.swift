import Testing
@testable import FirebreakServer

@Suite struct MetricsRegistryTests {
    @Test func rendersPrometheusText() {
        let r = MetricsRegistry()
        r.declareCounter("x_total", help: "Xs.")
        r.increment("x_total", ["status": "200"], by: 2)
        r.increment("x_total", ["status": "400"])
        r.declareGauge("depth", help: "Depth.") { 3 }
        r.declareHistogram("lat_seconds", help: "Latency.", buckets: [0.1, 1])
        r.observe("lat_seconds", value: 0.05)
        r.observe("lat_seconds", value: 0.5)
        r.observe("lat_seconds", value: 5)
        let text = r.render()
        #expect(text.contains("# TYPE x_total counter\n"))
        #expect(text.contains("x_total{status=\"200\"} 2\n"))
        #expect(text.contains("x_total{status=\"400\"} 1\n"))
        #expect(text.contains("depth 3\n"))
        #expect(text.contains("lat_seconds_bucket{le=\"0.1\"} 1\n"))
        #expect(text.contains("lat_seconds_bucket{le=\"1\"} 2\n"))
        #expect(text.contains("lat_seconds_bucket{le=\"+Inf\"} 3\n"))
        #expect(text.contains("lat_seconds_count 3\n"))
        #expect(r.value("x_total", ["status": "200"]) == 2)
    }

    @Test func escapesLabelValues() {
        let r = MetricsRegistry()
        r.declareCounter("e_total", help: "E.")
        r.increment("e_total", ["kind": "a\"b\\c\nd"])
        #expect(r.render().contains(#"e_total{kind="a\"b\\c\nd"} 1"#))
    }
}
