import Testing
@testable import FirebreakLogs

@Suite struct GzipTests {
    let text = Array("hello, firehose\nsecond line\n".utf8)

    @Test func singleMemberRoundTrip() throws {
        let gz = Gzip.compress(text)
        #expect(Gzip.hasMagic(gz))
        #expect(try Gzip.decompress(gz) == text)
    }

    @Test func emptyPayloadRoundTripsAndEmptyInputIsNotGzip() throws {
        #expect(try Gzip.decompress(Gzip.compress([])) == [])
        #expect(throws: GzipError.notGzip) { try Gzip.decompress([]) }
        #expect(throws: GzipError.notGzip) { try Gzip.decompress(Array("plain".utf8)) }
    }

    @Test func multipleMembersAreConcatenated() throws {
        let a = Array("first member\n".utf8), b = Array("second member\n".utf8), c = [UInt8](repeating: 7, count: 100_000)
        let gz = Gzip.compress(a) + Gzip.compress(b) + Gzip.compress(c)
        #expect(try Gzip.decompress(gz) == a + b + c)
    }

    @Test func trailingZeroPaddingIsTolerated() throws {
        let gz = Gzip.compress(text) + [UInt8](repeating: 0, count: 512)
        #expect(try Gzip.decompress(gz) == text)
    }

    @Test func trailingGarbageIsAnError() {
        let gz = Gzip.compress(text)
        #expect(throws: GzipError.trailingGarbage(offset: gz.count)) { try Gzip.decompress(gz + [0x41, 0x42]) }
    }

    @Test func truncatedInputIsAnError() {
        let gz = Gzip.compress([UInt8](repeating: 42, count: 10_000) + text)
        for cut in [2, 5, 10, gz.count / 2, gz.count - 4, gz.count - 1] {
            #expect(throws: GzipError.truncated) { try Gzip.decompress(Array(gz.prefix(cut))) }
        }
        // A complete member followed by the start of another one.
        #expect(throws: GzipError.truncated) { try Gzip.decompress(gz + gz.prefix(12)) }
    }

    @Test func corruptDataIsAnError() {
        var gz = Gzip.compress(Array(repeating: text, count: 50).flatMap { $0 })
        gz[gz.count - 6] ^= 0xFF  // CRC32 in the trailer
        #expect { try Gzip.decompress(gz) } throws: { error in
            if case GzipError.corrupt = error { return true } else { return false }
        }
        var bad = Gzip.compress(text)
        bad[2] = 7  // compression method must be 8 (deflate)
        #expect { try Gzip.decompress(bad) } throws: { error in
            if case GzipError.corrupt = error { return true } else { return false }
        }
    }

    @Test func bombIsStoppedBySizeCap() {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 8 << 20), level: 9)
        let limits = GzipLimits(maxOutputBytes: 1 << 20, maxRatio: 0, ratioThresholdBytes: 0)
        #expect(throws: GzipError.outputLimitExceeded(limit: 1 << 20)) { try Gzip.decompress(bomb, limits: limits) }
        // Exactly at the cap is fine.
        let exact = Gzip.compress([UInt8](repeating: 1, count: 1 << 20))
        #expect((try? Gzip.decompress(exact, limits: limits))?.count == 1 << 20)
    }

    @Test func bombIsStoppedByRatioCap() {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 16 << 20), level: 9)  // ≈ 1000:1
        let limits = GzipLimits(maxOutputBytes: 1 << 30, maxRatio: 100, ratioThresholdBytes: 1 << 20)
        #expect(throws: GzipError.compressionRatioExceeded(limit: 100)) { try Gzip.decompress(bomb, limits: limits) }
        // Below the threshold the ratio is not enforced (small repetitive JSON is normal).
        let small = Gzip.compress([UInt8](repeating: 0, count: 512 << 10), level: 9)
        #expect((try? Gzip.decompress(small, limits: limits))?.count == 512 << 10)
    }

    @Test func defaultLimitsRejectALargeBomb() {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 80 << 20), level: 9)
        #expect(throws: (any Error).self) { try Gzip.decompress(bomb) }
    }
}
