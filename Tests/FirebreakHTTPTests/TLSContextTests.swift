import Foundation
import FirebreakTestSupport
import Testing
@testable import FirebreakHTTP

/// Loading certificates and keys: what is refused at start, with which message.
@Suite struct TLSContextTests {
    static func named(_ pair: TLSFixture.Pair) -> TLSConfiguration {
        var settings = TLSConfiguration(certificatePath: pair.certificate, privateKeyPath: pair.key)
        settings.certificateName = "server.tls.certificate"
        settings.privateKeyName = "server.tls.private_key"
        return settings
    }

    /// The error `start()` throws for these files; nil when it starts.
    static func startError(_ settings: TLSConfiguration) -> TLSError? {
        var configuration = HTTPServer.Configuration(listen: [HTTPListenAddress(host: "127.0.0.1", port: 0)])
        configuration.tls = settings
        let server = HTTPServer(configuration: configuration, handler: TestHandler())
        defer {
            let done = DispatchSemaphore(value: 0)
            server.shutdown(drainTimeout: .zero) { _ in done.signal() }
            _ = done.wait(timeout: .now() + 5)
        }
        do {
            try server.start()
            return nil
        } catch {
            #expect(server.boundAddresses.isEmpty, "nothing may listen when TLS cannot be set up")
            guard case .tls(let tlsError) = error else {
                Issue.record("expected a TLS error, got \(error)")
                return nil
            }
            #expect(error.description == tlsError.description)
            return tlsError
        }
    }

    @Test func loadsAndDescribesTheCertificate() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("good")
        let context = try TLSContext(Self.named(pair))
        let info = context.certificate
        #expect(info.subject == "/CN=localhost")
        #expect(info.issuer == "/CN=localhost")
        #expect(info.chainLength == 0)
        #expect(info.notAfter.hasSuffix(" UTC"))
        #expect(info.notAfterEpochSeconds > Int64(Date().timeIntervalSince1970))
        let printed = try ChildProcess.run("openssl", ["x509", "-in", pair.certificate, "-noout", "-fingerprint", "-sha256"], timeout: 30).stdout
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == "sha256 Fingerprint=" + info.sha256Fingerprint)
    }

    @Test func expiredCertificateIsRefusedAtStart() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("old", notBefore: "20200101000000Z", notAfter: "20200102000000Z")
        let error = try #require(Self.startError(Self.named(pair)))
        #expect(error == .expired(name: "server.tls.certificate", path: pair.certificate, subject: nil, notAfter: "2020-01-02 00:00:00 UTC"))
        #expect(error.description == "server.tls.certificate \(pair.certificate): certificate expired on 2020-01-02 00:00:00 UTC; renew it (and check the system clock)")
    }

    @Test func notYetValidCertificateIsRefusedAtStart() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("future", notBefore: "20991231000000Z", notAfter: "21000101000000Z")
        let error = try #require(Self.startError(Self.named(pair)))
        #expect(error == .notYetValid(name: "server.tls.certificate", path: pair.certificate, subject: nil, notBefore: "2099-12-31 00:00:00 UTC"))
        #expect(error.description.contains("is not valid before 2099-12-31 00:00:00 UTC; check the system clock"))
    }

    @Test func missingAndUnreadableFilesNameThePath() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("good")
        var missing = pair
        missing.certificate = fixture.path("nowhere.crt")
        let error = try #require(Self.startError(Self.named(missing)))
        #expect(error == .unreadableFile(name: "server.tls.certificate", path: missing.certificate, reason: "No such file or directory (errno 2)"))
        #expect(error.description.contains("check the path"))

        var directory = pair
        directory.key = fixture.directory.path
        #expect(Self.startError(Self.named(directory)) == .unreadableFile(name: "server.tls.private_key", path: directory.key, reason: "not a regular file"))
    }

    @Test func filesThatAreNotPEMAreRefused() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("good")
        let junk = fixture.path("junk.pem")
        try "not a certificate\n".write(toFile: junk, atomically: true, encoding: .utf8)

        var badCertificate = pair
        badCertificate.certificate = junk
        #expect(Self.startError(Self.named(badCertificate)) == .invalidCertificate(name: "server.tls.certificate", path: junk, reason: "no PEM certificate found"))
        // The key file given as the certificate: no certificate in it either.
        var swapped = pair
        swapped.certificate = pair.key
        #expect(Self.startError(Self.named(swapped)) == .invalidCertificate(name: "server.tls.certificate", path: pair.key, reason: "no PEM certificate found"))

        var badKey = pair
        badKey.key = junk
        guard case .invalidPrivateKey(let name, let path, _)? = Self.startError(Self.named(badKey)) else {
            Issue.record("expected invalidPrivateKey")
            return
        }
        #expect(name == "server.tls.private_key" && path == junk)
    }

    @Test func keyOfAnotherCertificateIsRefused() throws {
        let fixture = try TLSFixture()
        let first = try fixture.selfSigned("first")
        let second = try fixture.selfSigned("second")
        let mixed = TLSFixture.Pair(certificate: first.certificate, key: second.key)
        let error = try #require(Self.startError(Self.named(mixed)))
        #expect(error == .keyMismatch(certificateName: "server.tls.certificate", certificatePath: first.certificate,
                                      keyName: "server.tls.private_key", keyPath: second.key))
        #expect(error.description.hasPrefix("server.tls.private_key \(second.key) does not belong to server.tls.certificate \(first.certificate)"))

        // An RSA key with an EC certificate.
        let rsa = fixture.path("rsa.key")
        try fixture.openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa])
        #expect(Self.startError(Self.named(.init(certificate: first.certificate, key: rsa))) ==
                .keyMismatch(certificateName: "server.tls.certificate", certificatePath: first.certificate,
                             keyName: "server.tls.private_key", keyPath: rsa))
    }

    @Test func encryptedKeyIsRefusedWithoutPrompting() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("good")
        let encrypted = fixture.path("encrypted.key")
        try fixture.openssl(["pkey", "-in", pair.key, "-aes256", "-passout", "pass:secret", "-out", encrypted])
        let error = try #require(Self.startError(Self.named(.init(certificate: pair.certificate, key: encrypted))))
        #expect(error == .encryptedPrivateKey(name: "server.tls.private_key", path: encrypted))
        #expect(error.description.contains("openssl pkey"))
    }

    @Test func reloadWithoutTLSSaysSo() throws {
        try withServer { server, _ in
            #expect(throws: TLSError.notConfigured) { try server.reloadTLS() }
            #expect(server.tlsCertificate == nil)
        }
    }
}
