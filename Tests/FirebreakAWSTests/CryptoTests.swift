import Testing
@testable import FirebreakAWS

@Suite struct CryptoTests {
    @Test func sha256KnownVectors() {
        #expect(SHA256.hexDigest([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(SHA256.hash("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hexDigest(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // A non-contiguous collection goes through a copy.
        #expect(SHA256.hexDigest("abc".utf8) == SHA256.hexDigest(Array("abc".utf8)))
    }

    @Test func hmacRFC4231() {
        // Case 1
        let key1 = [UInt8](repeating: 0x0b, count: 20)
        #expect(Hex.encode(HMAC.sha256(key: key1, data: "Hi There"))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        // Case 2
        #expect(Hex.encode(HMAC.sha256(key: Array("Jefe".utf8), data: "what do ya want for nothing?"))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Case 6: key longer than the block size
        let key6 = [UInt8](repeating: 0xaa, count: 131)
        #expect(Hex.encode(HMAC.sha256(key: key6, data: "Test Using Larger Than Block-Size Key - Hash Key First"))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func emptyKeyAndData() {
        #expect(Hex.encode(HMAC.sha256(key: [UInt8](), data: [UInt8]()))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func hexEncoding() {
        #expect(Hex.encode([0x00, 0x0f, 0xf0, 0xff]) == "000ff0ff")
        #expect(Hex.encode([UInt8]()) == "")
    }
}
