import COpenSSL
import Foundation
import Glibc
import FirebreakTestSupport
import Testing
@testable import FirebreakHTTP

/// A real TLS server on ephemeral loopback ports, spoken to by curl, Python's `ssl` and an OpenSSL test client.
@Suite(.serialized)
struct TLSServerTests {
    /// Starts a TLS server on 127.0.0.1 and [::1] with `pair`, runs `body` with the IPv4 port.
    func withTLSServer(_ pair: TLSFixture.Pair, _ configure: (inout HTTPServer.Configuration) -> Void = { _ in },
                       _ body: (HTTPServer, UInt16) throws -> Void) throws {
        try withServer({ configuration in
            configuration.listen.append(HTTPListenAddress(host: "::1", port: 0))
            configuration.tls = TLSConfiguration(certificatePath: pair.certificate, privateKeyPath: pair.key)
            configure(&configuration)
        }, body)
    }

    func curl(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run("curl", ["-sS", "-v", "--max-time", "20", "--globoff"] + arguments, timeout: 30)
    }

    /// Python's ssl client: one `Connection: close` request; prints a JSON line with the outcome.
    static let pythonClient = #"""
        import json, socket, ssl, sys
        port, cafile, version, alpn, ciphers = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
        ctx = ssl.create_default_context(cafile=cafile)
        if ciphers:
            ctx.set_ciphers(ciphers)
        v = {"1.1": ssl.TLSVersion.TLSv1_1, "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[version]
        ctx.minimum_version = v
        ctx.maximum_version = v
        if alpn:
            ctx.set_alpn_protocols(alpn.split(","))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                    s.sendall(b"GET /py HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    data = b""
                    while True:
                        chunk = s.recv(65536)  # raises on a close without close_notify
                        if not chunk:
                            break
                        data += chunk
                    print(json.dumps({"ok": True, "version": s.version(), "alpn": s.selected_alpn_protocol(),
                                      "cipher": s.cipher()[0], "response": data.decode("latin-1")}))
        except (ssl.SSLError, OSError) as e:
            print(json.dumps({"ok": False, "error": str(e)}))
        """#

    func python(port: UInt16, caFile: String, version: String, alpn: String = "http/1.1", ciphers: String = "") throws -> [String: Any] {
        let result = try ChildProcess.run("python3", ["-c", Self.pythonClient, String(port), caFile, version, alpn, ciphers], timeout: 30)
        let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ChildProcess.Failure(description: "python printed \(result.stdout) \(result.stderr)")
        }
        return object
    }

    @Test func curlGetsA200OverTLS12AndTLS13OnIPv4AndIPv6() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("server")
        try withTLSServer(pair) { server, port in
            let port6 = server.boundAddresses[1].port
            for (flags, version) in [(["--tlsv1.2", "--tls-max", "1.2"], "TLSv1.2"), (["--tlsv1.3"], "TLSv1.3")] {
                for host in ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port6)"] {
                    let result = try curl(flags + ["--cacert", pair.certificate, "-w", "\n%{http_code} %{http_version}",
                                                   "https://\(host)/hello"])
                    #expect(result.status == 0, "\(host) \(version): \(result.stderr)")
                    #expect(result.stdout == "GET /hello\n200 1.1", "\(host) \(version)")
                    #expect(result.stderr.contains("SSL connection using \(version) / ECDHE") || version == "TLSv1.3")
                    #expect(result.stderr.contains("SSL connection using \(version)"), "\(result.stderr)")
                    #expect(result.stderr.contains("ALPN: server accepted http/1.1"))
                }
            }
            #expect(server.tlsHandshakeFailures == 0)
        }
    }

    @Test func curlPostsAMebibyteAndReadsItBackOverBothVersions() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("server")
        var body = [UInt8](repeating: 0, count: 1 << 20)
        for i in body.indices { body[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        let bodyFile = fixture.path("body.bin")
        try Data(body).write(to: URL(fileURLWithPath: bodyFile))
        try withTLSServer(pair) { _, port in
            for flags in [["--tlsv1.2", "--tls-max", "1.2"], ["--tlsv1.3"]] {
                let output = fixture.path("echo.bin")
                let result = try curl(flags + ["--cacert", pair.certificate, "--data-binary", "@\(bodyFile)", "-o", output,
                                               "-w", "%{http_code}", "https://127.0.0.1:\(port)/echo"])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stdout == "200")
                let echoed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
                #expect(echoed.count == body.count)
                #expect(echoed == body)
            }
        }
    }

    @Test func pythonSeesHTTP11ByALPNOnBothVersionsAndACleanClose() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("server")
        try withTLSServer(pair) { server, port in
            for (version, name) in [("1.2", "TLSv1.2"), ("1.3", "TLSv1.3")] {
                let outcome = try python(port: port, caFile: pair.certificate, version: version, alpn: "h2,http/1.1")
                #expect(outcome["ok"] as? Bool == true, "\(outcome)")
                #expect(outcome["version"] as? String == name)
                #expect(outcome["alpn"] as? String == "http/1.1")
                #expect((outcome["response"] as? String)?.hasPrefix("HTTP/1.1 200 OK\r\n") == true)
                #expect((outcome["response"] as? String)?.hasSuffix("GET /py") == true)
                if version == "1.2" {
                    #expect((outcome["cipher"] as? String)?.hasPrefix("ECDHE-ECDSA-") == true)
                }
            }
            // A client without ALPN is served HTTP/1.1 without it.
            let none = try python(port: port, caFile: pair.certificate, version: "1.3", alpn: "")
            #expect(none["ok"] as? Bool == true, "\(none)")
            #expect(none["alpn"] is NSNull)
            #expect(server.tlsHandshakeFailures == 0)
        }
    }

    @Test func refusedHandshakesLeaveTheServerServing() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("server")
        try withTLSServer(pair) { server, port in
            // Only h2 offered: the no_application_protocol alert (RFC 7301).
            let h2 = try python(port: port, caFile: pair.certificate, version: "1.3", alpn: "h2")
            #expect(h2["ok"] as? Bool == false)
            #expect((h2["error"] as? String)?.lowercased().contains("no application protocol") == true, "\(h2)")
            // TLS 1.1, even when the client would allow anything.
            let old = try python(port: port, caFile: pair.certificate, version: "1.1", ciphers: "DEFAULT:@SECLEVEL=0")
            #expect(old["ok"] as? Bool == false, "\(old)")
            // TLS 1.2 without ECDHE+AEAD: a CBC suite is refused.
            let cbc = try python(port: port, caFile: pair.certificate, version: "1.2", ciphers: "ECDHE-ECDSA-AES128-SHA")
            #expect(cbc["ok"] as? Bool == false, "\(cbc)")
            #expect(eventually { server.tlsHandshakeFailures == 3 }, "\(server.tlsHandshakeFailures)")
            #expect(eventually { server.activeConnections == 0 })

            let after = try python(port: port, caFile: pair.certificate, version: "1.3")
            #expect(after["ok"] as? Bool == true, "\(after)")
        }
    }

    @Test func plainHTTPOnTheTLSPortIsAnsweredInPlainTextAndClosed() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("server")
        try withTLSServer(pair) { server, port in
            let plain = try TestClient(port: port)
            plain.send(get("/plain"))
            let response = try #require(plain.readResponse())
            #expect(response.status == 400)
            #expect(response.header("Connection") == "close")
            #expect(response.text.contains("use an https:// URL"))
            #expect(plain.waitForClose())

            let curled = try curl(["-w", "%{http_code}", "-o", "/dev/null", "http://127.0.0.1:\(port)/plain"])
            #expect(curled.stdout == "400")

            // Bytes that are neither TLS nor HTTP: OpenSSL's alert, then a close (not a reset, not a crash).
            let junk = try TestClient(port: port)
            junk.send([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09])
            #expect(junk.waitForClose())
            #expect(eventually { server.tlsHandshakeFailures == 1 })

            let after = try curl(["--cacert", pair.certificate, "https://127.0.0.1:\(port)/after"])
            #expect(after.stdout == "GET /after")
            #expect(eventually { server.activeConnections == 0 })
        }
    }

    @Test func aSilentClientIsClosedAfterTheHandshakeTimeout() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("server")
        try withTLSServer(pair, { $0.handshakeTimeout = .milliseconds(300); $0.headerTimeout = .seconds(30) }) { server, port in
            let started = ContinuousClock.now
            let silent = try TestClient(port: port)
            #expect(silent.waitForClose(timeout: .seconds(5)))
            #expect(ContinuousClock.now - started < .seconds(3))

            // Half a ClientHello, then nothing: also cut at the handshake timeout.
            let partial = try TestClient(port: port)
            partial.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00])
            #expect(partial.waitForClose(timeout: .seconds(5)))
            #expect(eventually { server.activeConnections == 0 })

            // After a completed handshake the header timeout applies, not the handshake one.
            let client = try TestClient(port: port)
            try client.startTLS(caFile: pair.certificate)
            usleep(600_000)
            client.send(get("/late"))
            #expect(client.readResponse()?.text == "GET /late")
        }
    }

    @Test func keepAlivePipeliningAndLargeBodiesOverBothVersions() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("server")
        try withTLSServer(pair) { server, port in
            for version in [TLS1_2_VERSION, TLS1_3_VERSION] {
                let client = try TestClient(port: port)
                try client.startTLS(caFile: pair.certificate, minVersion: version, maxVersion: version)
                #expect(client.tls?.alpn == "http/1.1")
                #expect(client.tls?.version == (version == TLS1_2_VERSION ? "TLSv1.2" : "TLSv1.3"))
                for i in 0..<3 {
                    client.send(get("/n/\(i)"))
                    #expect(client.readResponse()?.text == "GET /n/\(i)")
                }
                // 1 MiB up and down: the response outgrows the socket buffer, so writes wait for writability.
                let body = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
                client.send(Array("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
                let echo = try #require(client.readResponse(timeout: .seconds(20)))
                #expect(echo.status == 200)
                #expect(echo.body == body)
                // Two requests in one write: answered in order.
                client.send(get("/p1") + get("/p2"))
                #expect(client.readResponse()?.text == "GET /p1")
                #expect(client.readResponse()?.text == "GET /p2")
                #expect(server.activeConnections == 1)
                // Closing: the response, then close_notify, then the end of the stream.
                client.send(get("/bye", "Connection: close\r\n"))
                #expect(client.readResponse()?.header("Connection") == "close")
                #expect(client.waitForClose())
                #expect(client.tls?.sawCloseNotify == true)
                #expect(eventually { server.activeConnections == 0 })
            }
        }
    }

    @Test func aClientThatResetsMidResponseCostsNothingButItsConnection() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("server")
        try withTLSServer(pair) { server, port in
            for _ in 0..<3 {
                // The response (4 MiB) fills the socket buffers; the reset then meets a write in progress, which
                // must fail with EPIPE/ECONNRESET rather than raise SIGPIPE (that would end this whole process).
                let client = try TestClient(port: port)
                try client.startTLS(caFile: pair.certificate)
                let body = [UInt8](repeating: 0x61, count: 4 << 20)
                client.send(Array("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
                usleep(100_000)
                client.resetOnClose()
            }
            #expect(eventually(timeout: .seconds(5)) { server.activeConnections == 0 })
            let after = try curl(["--cacert", pair.certificate, "https://127.0.0.1:\(port)/after"])
            #expect(after.stdout == "GET /after")
        }
    }

    @Test func atTheConnectionLimitATLSClientIsClosedWithoutPlainText() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("server")
        try withTLSServer(pair, { $0.maxConnections = 1 }) { server, port in
            let first = try TestClient(port: port)
            try first.startTLS(caFile: pair.certificate)
            #expect(eventually { server.activeConnections == 1 })
            // A request in progress: the connection is not idle, so it is not closed to make room.
            first.send(Array("GET /first HTTP/1.1\r\n".utf8))
            usleep(100_000)
            let second = try TestClient(port: port)
            #expect(second.waitForClose())
            #expect(second.pending.isEmpty, "no plain-text 503 on a TLS port")
            first.send(Array("Host: t\r\n\r\n".utf8))
            #expect(first.readResponse()?.text == "GET /first")
        }
    }

    @Test func serverShutdownSendsCloseNotifyToIdleConnections() throws {
        let fixture = try TLSFixture()
        let pair = try fixture.selfSigned("server")
        var configuration = HTTPServer.Configuration(listen: [HTTPListenAddress(host: "127.0.0.1", port: 0)])
        configuration.tls = TLSConfiguration(certificatePath: pair.certificate, privateKeyPath: pair.key)
        let server = HTTPServer(configuration: configuration, handler: TestHandler())
        try server.start()
        let client = try TestClient(port: server.boundAddresses[0].port)
        try client.startTLS(caFile: pair.certificate)
        client.send(get("/idle"))
        #expect(client.readResponse()?.text == "GET /idle")
        let done = DispatchSemaphore(value: 0)
        server.shutdown(drainTimeout: .seconds(2)) { _ in done.signal() }
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(client.waitForClose())
        #expect(client.tls?.sawCloseNotify == true)
    }

    @Test func reloadServesTheNewCertificateToNewConnectionsWhileOpenOnesKeepWorking() throws {
        let fixture = try TLSFixture()
        let first = try fixture.selfSigned("first", commonName: "first")
        let second = try fixture.selfSigned("second", commonName: "second")
        // The files the server reads; renewed in place like an ACME client would.
        let served = TLSFixture.Pair(certificate: fixture.path("served.crt"), key: fixture.path("served.key"))
        try fixture.replace(served.certificate, with: first.certificate)
        try fixture.replace(served.key, with: first.key)
        try withTLSServer(served) { server, port in
            #expect(server.tlsCertificate?.subject == "/CN=first")
            let open = try TestClient(port: port)
            try open.startTLS(caFile: first.certificate)
            open.send(get("/before"))
            #expect(open.readResponse()?.text == "GET /before")

            try fixture.replace(served.certificate, with: second.certificate)
            try fixture.replace(served.key, with: second.key)
            let loaded = try server.reloadTLS()
            #expect(loaded.subject == "/CN=second")
            #expect(server.tlsCertificate == loaded)

            // New connections get the new certificate: trusted with the second, refused with the first.
            let fresh = try TestClient(port: port)
            try fresh.startTLS(caFile: second.certificate)
            #expect(fresh.tls?.peerSubject == "/CN=second")
            fresh.send(get("/fresh"))
            #expect(fresh.readResponse()?.text == "GET /fresh")
            let stale = try TestClient(port: port)
            #expect(throws: TLSClientSession.Failure.self) { try stale.startTLS(caFile: first.certificate) }
            let curled = try curl(["--cacert", second.certificate, "https://localhost:\(port)/curl"])
            #expect(curled.stdout == "GET /curl")

            // The connection opened before the reload keeps its session and certificate.
            #expect(open.tls?.peerSubject == "/CN=first")
            open.send(get("/after"))
            #expect(open.readResponse()?.text == "GET /after")
        }
    }

    @Test func aBrokenRenewalKeepsTheCurrentCertificate() throws {
        let fixture = try TLSFixture()
        let good = try fixture.selfSigned("good")
        let other = try fixture.selfSigned("other")
        let served = TLSFixture.Pair(certificate: fixture.path("served.crt"), key: fixture.path("served.key"))
        try fixture.replace(served.certificate, with: good.certificate)
        try fixture.replace(served.key, with: good.key)
        try withTLSServer(served) { server, port in
            let before = try #require(server.tlsCertificate)
            // Half-renewed: the new certificate is in place but the key is still the old one.
            try fixture.replace(served.certificate, with: other.certificate)
            #expect(throws: TLSError.keyMismatch(certificateName: "TLS certificate", certificatePath: served.certificate,
                                                 keyName: "TLS private key", keyPath: served.key)) { try server.reloadTLS() }
            // Garbage.
            try "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".write(toFile: served.certificate, atomically: true, encoding: .utf8)
            #expect(throws: TLSError.self) { try server.reloadTLS() }
            #expect(server.tlsCertificate == before)

            let client = try TestClient(port: port)
            try client.startTLS(caFile: good.certificate)
            client.send(get("/still"))
            #expect(client.readResponse()?.text == "GET /still")
        }
    }

    @Test func theIntermediateChainIsSent() throws {
        let fixture = try TLSFixture()
        let (root, pair) = try fixture.chain("leaf")
        try withTLSServer(pair) { server, port in
            #expect(server.tlsCertificate?.chainLength == 1)
            #expect(server.tlsCertificate?.issuer == "/CN=Firebreak Test Root")
            // The client trusts only the root: verification needs the chain the server sends.
            let result = try curl(["--cacert", root, "https://localhost:\(port)/chained"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "GET /chained")
        }
    }
}
