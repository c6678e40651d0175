import Testing
@testable import FirebreakServer

@Suite struct AccessKeyVerifierTests {
    @Test func acceptsOnlyConfiguredKeys() {
        let v = AccessKeyVerifier(keys: ["alpha-key", "beta-key"])
        #expect(v.accepts("alpha-key"))
        #expect(v.accepts("beta-key"))
        #expect(!v.accepts("alpha-ke"))
        #expect(!v.accepts("alpha-key "))
        #expect(!v.accepts("ALPHA-KEY"))
        #expect(!v.accepts(""))
        #expect(!v.accepts(nil))
    }

    @Test func emptyKeysAreIgnoredAndNothingMatchesNoKeys() {
        let v = AccessKeyVerifier(keys: ["", ""])
        #expect(v.isEmpty)
        #expect(!v.accepts(""))
        #expect(!v.accepts("x"))
    }

    @Test func constantTimeEqualsIsExact() {
        #expect(AccessKeyVerifier.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)) == 1)
        #expect(AccessKeyVerifier.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)) == 0)
        #expect(AccessKeyVerifier.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)) == 0)
        #expect(AccessKeyVerifier.constantTimeEquals([], []) == 1)
        // A length difference that is a multiple of 256 must still differ.
        #expect(AccessKeyVerifier.constantTimeEquals([UInt8](repeating: 0, count: 256), []) == 0)
    }

    @Test func descriptionNeverShowsAKey() {
        let v = AccessKeyVerifier(keys: ["very-secret"])
        #expect(!v.description.contains("very-secret"))
    }
}
