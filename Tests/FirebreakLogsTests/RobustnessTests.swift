import Testing
@testable import FirebreakLogs

/// Hostile-input smoke tests: mutated real payloads must never crash, trap or hang; they either
/// decode, produce issues, or throw the typed errors.
@Suite struct RobustnessTests {
    /// Deterministic xorshift so failures reproduce.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static func mutate(_ input: [UInt8], _ rng: inout Rng) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + rng.below(4)) {
            guard !bytes.isEmpty else { break }
            switch rng.below(4) {
            case 0: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 1: bytes.removeSubrange(rng.below(bytes.count)..<bytes.count)
            case 2: bytes.insert(contentsOf: [0x22, 0x5C, 0x7B, 0x5B, 0x20, 0x2D][rng.below(6)...], at: rng.below(bytes.count))
            default: bytes.remove(at: rng.below(bytes.count))
            }
        }
        return bytes
    }

    @Test func mutatedInputsNeverCrash() throws {
        let body = try TestData.bytes("firehose/aws-sam-cli/derived_firehose_http_request.json")
        let records = try FirehoseDelivery.parse(body).records
        let plain = try records.map { try Gzip.decompress($0) }
        let flow = Array("version srcaddr dstaddr srcport\n2 192.0.2.1 2001:db8::1 443\n2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\n".utf8)
        let trail = Array(#"{"Records":[{"eventVersion":"1.09","eventName":"X","requestParameters":{"a":[1,{"b":"\u00e9"}]}}]}"#.utf8)
        let corpus = [body] + records + plain + [flow, trail, Gzip.compress(flow)]
        let decoder = RecordDecoder()
        var rng = Rng(state: 0x9E37_79B9_7F4A_7C15)
        for round in 0..<3000 {
            let input = Self.mutate(corpus[round % corpus.count], &rng)
            _ = try? decoder.decode(record: input, index: round)
            _ = try? decoder.decodeFile(input)
            _ = try? FirehoseDelivery.parse(input)
            _ = try? JSONParser().parse(input)
            _ = try? Gzip.decompress(input)
        }
    }

    @Test func extremeConfigurationValuesDoNotTrap() throws {
        let config = DecoderConfiguration(maxLineBytes: Int.max, maxJSONBytes: Int.max, maxEventsPerRecord: Int.max,
                                          maxDecompressedBytes: Int.max, maxCompressionRatio: Int.max,
                                          compressionRatioThresholdBytes: Int.max, maxJSONDepth: 64)
        let payload = CloudWatchLogsTests.payload(logGroup: "g", messages: ["hello", "2 1 eni-1 - - - - - - - 1 2 - NODATA"])
        let result = try RecordDecoder(configuration: config).decode(record: payload, index: 0)
        #expect(result.events.count == 2)
        let zero = DecoderConfiguration(maxLineBytes: 0, maxJSONBytes: 0, maxEventsPerRecord: 0)
        let none = try RecordDecoder(configuration: zero).decode(record: payload, index: 0)
        #expect(none.events.isEmpty)
    }
}
