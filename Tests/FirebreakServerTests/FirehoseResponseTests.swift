import Foundation
import Testing
@testable import FirebreakServer

@Suite struct FirehoseResponseTests {
    @Test func successHasExactlyRequestIdAndNumericTimestamp() throws {
        let r = FirehoseResponse.make(status: 200, requestID: "id-\"1\"\n", now: Date(timeIntervalSince1970: 1578090903.599))
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "application/json")
        #expect(r.headers["Content-Encoding"] == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
        #expect(Set(object.keys) == ["requestId", "timestamp"])
        #expect(object["requestId"] as? String == "id-\"1\"\n")
        #expect((object["timestamp"] as? NSNumber)?.int64Value == 1578090903599)
        #expect(String(decoding: r.body, as: UTF8.self).contains("\"timestamp\":1578090903599"))
    }

    @Test func failureCarriesErrorMessageAndRetryAfter() throws {
        let r = FirehoseResponse.failure(.overloaded, requestID: "abc", retryAfter: 7)
        #expect(r.status == 503)
        #expect(r.headers["Retry-After"] == "7")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
        #expect(Set(object.keys) == ["requestId", "timestamp", "errorMessage"])
        #expect(FirehoseResponse.failure(.unauthorized, requestID: "abc").status == 401)
        #expect(FirehoseResponse.failure(.unauthorized, requestID: "abc").headers["Retry-After"] == nil)
    }

    @Test func errorMessageIsBounded() throws {
        let r = FirehoseResponse.make(status: 500, requestID: "a", errorMessage: String(repeating: "x", count: 20_000))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
        #expect((object["errorMessage"] as? String)?.count == 8192)
    }
}
