import Testing
@testable import FirebreakLogs

@Suite struct GzipTests {
    @Test func roundTripSingleMember() throws {
        let text = Array("hello, firehose\n".utf8)
        let gz = Gzip.compress(text)
        #expect(Gzip.hasMagic(gz))
        #expect(try Gzip.decompress(gz) == text)
    }
}
