import FirebreakTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `firebreak serve` with its native TLS listener, fed by curl over HTTPS.
@Suite(.serialized) struct TLSIntakeTests {
    static func files(_ pair: TLSFixture.Pair) -> (String, String) { (pair.certificate, pair.key) }

    /// POSTs a Firehose delivery with curl over HTTPS, trusting `caFile`.
    static func postDelivery(port: UInt16, caFile: String, requestID: String, certificates: TLSFixture,
                             tlsFlags: [String] = []) throws -> CommandResult {
        let bodyFile = certificates.path("delivery-\(requestID).json")
        try Data(FirehoseFixture.flowDelivery(requestID: requestID, records: 2, linesPerRecord: 3))
            .write(to: URL(fileURLWithPath: bodyFile))
        var arguments = ["-sS", "--max-time", "20", "--cacert", caFile, "-w", "\n%{http_code}"] + tlsFlags
        for (name, value) in FirehoseFixture.headers(requestID: requestID, accessKey: "test-key", gzipBody: false) {
            arguments += ["-H", "\(name): \(value)"]
        }
        arguments += ["--data-binary", "@\(bodyFile)", "https://127.0.0.1:\(port)/firehose"]
        return try Tool.run("curl", arguments)
    }

    static func expectAccepted(_ result: CommandResult, requestID: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 0, "curl: \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.last == "200", "\(result.stdout)", sourceLocation: sourceLocation)
        let json = lines.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(json?["requestId"] as? String == requestID, sourceLocation: sourceLocation)
    }

    @Test func firehoseDeliveryOverTLS12AndTLS13() throws {
        let certificates = try TLSFixture()
        let (certificate, key) = try Self.files(certificates.selfSigned("server"))
        let service = try ServiceProcess(environment: [
            "FIREBREAK_SERVER_TLS_CERTIFICATE": certificate, "FIREBREAK_SERVER_TLS_PRIVATE_KEY": key,
        ])
        #expect(service.waitForLine(containing: "\"TLS certificate loaded\"", timeout: 5)?.contains("\"subject\":\"/CN=localhost\"") == true)
        for (id, flags) in [("tls12-delivery", ["--tlsv1.2", "--tls-max", "1.2"]), ("tls13-delivery", ["--tlsv1.3"])] {
            let result = try Self.postDelivery(port: service.port, caFile: certificate, requestID: id, certificates: certificates, tlsFlags: flags)
            Self.expectAccepted(result, requestID: id)
            let log = try #require(service.deliveryLog(requestID: id))
            #expect((log["events"] as? [String: Any])?["vpcflow"] as? Int == 6)
        }
        // Plain HTTP on the TLS port: a Firehose-shaped 400 saying to use https.
        let plain = try Tool.run("curl", ["-sS", "--max-time", "10", "http://127.0.0.1:\(service.port)/healthz"])
        #expect(plain.stdout.contains("use an https:// URL"))
        let metrics = try Tool.run("curl", ["-sS", "--max-time", "10", "--cacert", certificate, "https://127.0.0.1:\(service.adminPort)/metrics"])
        #expect(metrics.stdout.contains("firebreak_tls_certificate_expiry_timestamp_seconds "))
        #expect(metrics.stdout.contains("firebreak_tls_handshake_failures 0"))
        #expect(!service.output.contains("BEGIN"), "no key or certificate material in the logs")
    }

    @Test func sighupSwapsTheCertificateAndABrokenOneKeepsTheOld() throws {
        let certificates = try TLSFixture()
        let (first, firstKey) = try Self.files(certificates.selfSigned("first", commonName: "first"))
        let (second, secondKey) = try Self.files(certificates.selfSigned("second", commonName: "second"))
        let (served, servedKey) = (certificates.path("served.crt"), certificates.path("served.key"))
        try certificates.replace(served, with: first)
        try certificates.replace(servedKey, with: firstKey)
        // The short variable names.
        let service = try ServiceProcess(environment: ["FIREBREAK_TLS_CERTIFICATE": served, "FIREBREAK_TLS_PRIVATE_KEY": servedKey])
        Self.expectAccepted(try Self.postDelivery(port: service.port, caFile: first, requestID: "before-reload", certificates: certificates),
                            requestID: "before-reload")

        try certificates.replace(served, with: second)
        try certificates.replace(servedKey, with: secondKey)
        service.signal(SIGHUP)
        let reloaded = try #require(service.waitForLine(containing: "\"TLS certificate reloaded\"", timeout: 10))
        #expect(reloaded.contains("\"subject\":\"/CN=second\""))
        Self.expectAccepted(try Self.postDelivery(port: service.port, caFile: second, requestID: "after-reload", certificates: certificates),
                            requestID: "after-reload")
        let stale = try Self.postDelivery(port: service.port, caFile: first, requestID: "stale-trust", certificates: certificates)
        #expect(stale.status != 0, "a client trusting only the old certificate must now fail verification")

        try "not a certificate\n".write(toFile: served, atomically: true, encoding: .utf8)
        service.signal(SIGHUP)
        let refused = try #require(service.waitForLine(containing: "\"TLS certificate not reloaded", timeout: 10))
        #expect(refused.contains("server.tls.certificate \(served): no PEM certificate found"))
        Self.expectAccepted(try Self.postDelivery(port: service.port, caFile: second, requestID: "after-broken", certificates: certificates),
                            requestID: "after-broken")

        service.signal(SIGTERM)
        #expect(service.waitForExit(timeout: 30) == 0)
    }

    @Test func expiredCertificateStopsTheServiceWithAClearError() throws {
        let certificates = try TLSFixture()
        let (certificate, key) = try Self.files(certificates.selfSigned("old", notBefore: "20200101000000Z", notAfter: "20200102000000Z"))
        let result = try CommandResult.run(["serve"], environment: [
            "FIREBREAK_LISTEN": "127.0.0.1:0",
            "FIREBREAK_SERVER_TLS_CERTIFICATE": certificate, "FIREBREAK_SERVER_TLS_PRIVATE_KEY": key,
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("server.tls.certificate \(certificate): certificate expired on 2020-01-02 00:00:00 UTC; renew it"),
                "\(result.stderr)")
        #expect(!result.stdout.contains("\"listening\""))
    }

    @Test func oneTLSPathWithoutTheOtherIsAConfigurationError() throws {
        let result = try CommandResult.run(["serve"], environment: ["FIREBREAK_LISTEN": "127.0.0.1:0", "FIREBREAK_TLS_CERTIFICATE": "/tmp/x.pem"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("server.tls.private_key"), "\(result.stderr)")
    }
}
