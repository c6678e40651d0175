import Testing
@testable import FirebreakDetection

/// Finding and action ids are stored and compared across versions: `StableID` must give the ids the first
/// implementation gave, whichever way a part is fed.
@Suite struct StableIDTests {
    @Test func pinnedValue() {
        // Computed independently (FNV-1a, 128 bits as two lanes) for these parts.
        #expect(Finding.stableID("rule-1", "instance", "i-0123456789abcdef0", "472222")
                == "fb-25deba88fc02e0bd4f56c0ff7157bc3b")
    }

    @Test func decimalPartsAreTheirText() {
        for value: Int64 in [0, 7, 10, 472_222, -1, -10, Int64.max, Int64.min] {
            var byNumber = StableID()
            byNumber.add("r")
            byNumber.add(decimal: value)
            #expect(byNumber.text == Finding.stableID("r", String(value)), "\(value)")
        }
    }

    @Test func bytePartsAreTheirText() {
        var byBytes = StableID()
        Array("eni-0a1b2c3d4e5f60001".utf8).withUnsafeBufferPointer { byBytes.add(bytes: $0) }
        byBytes.add("")
        #expect(byBytes.text == Finding.stableID("eni-0a1b2c3d4e5f60001", ""))
        #expect(byBytes.text.count == 35 && byBytes.text.hasPrefix("fb-"))
        #expect(Finding.stableID("ab", "c") != Finding.stableID("a", "bc"))
    }
}
