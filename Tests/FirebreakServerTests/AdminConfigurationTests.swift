import FirebreakHTTP
import Foundation
import Testing
@testable import FirebreakServer

/// The admin listener's settings, the token it needs off loopback, and secrets kept out of error messages.
@Suite struct AdminConfigurationTests {
    @Test func adminListenerDefaultsToLoopbackWithoutAToken() throws {
        let c = try ServiceConfiguration.load(environment: [:])
        #expect(c.adminListen?.description == "127.0.0.1:9090")
        #expect(c.adminToken == nil)
        try c.validateExposure()
        #expect(c.adminHTTPConfiguration?.listen.map(\.description) == ["127.0.0.1:9090"])
        #expect(c.adminHTTPConfiguration?.maxBodyBytes == 0)
        let off = try ServiceConfiguration.load(environment: ["FIREBREAK_ADMIN_LISTEN": ""])
        #expect(off.adminListen == nil && off.adminHTTPConfiguration == nil)
    }

    @Test func adminListenerOffLoopbackNeedsAToken() throws {
        let open = try ServiceConfiguration.load(environment: ["FIREBREAK_ADMIN_LISTEN": "0.0.0.0:9090"])
        #expect(throws: ConfigurationError.adminTokenRequired(address: "0.0.0.0:9090")) { try open.validateExposure() }
        let tokened = try ServiceConfiguration.load(environment: ["FIREBREAK_ADMIN_LISTEN": "0.0.0.0:9090",
                                                                  "FIREBREAK_ADMIN_TOKEN": "adm1n-t0ken"])
        try tokened.validateExposure()
        #expect(tokened.adminToken == "adm1n-t0ken")
        #expect(!tokened.summary.contains("adm1n-t0ken"))
    }

    @Test func adminTokenFromAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try "from-a-file\n".write(to: file, atomically: true, encoding: .utf8)
        let c = try ServiceConfiguration.load(environment: ["FIREBREAK_SERVER_ADMIN_TOKEN_FILE": file.path])
        #expect(c.adminToken == "from-a-file")
        try "\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(environment: ["FIREBREAK_SERVER_ADMIN_TOKEN_FILE": file.path])
        }
    }

    @Test func aYAMLErrorDoesNotQuoteTheFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        // A key pasted into the file, on the very line the parser stops at.
        try "firehose:\n  access_key: \"sup3r-s3cret-key\n  path: /firehose\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try ServiceConfiguration.load(file: file.path, environment: [:])
            Issue.record("expected a YAML error")
        } catch {
            #expect(error.description.contains(file.path))
            #expect(error.description.contains("line"))
            #expect(!error.description.contains("sup3r-s3cret-key"), "\(error.description)")
        }
    }

    @Test func theTokenGateComparesTheBearerToken() {
        let gate = AdminTokenGate(token: "t0ken", next: HTTPRouter())
        #expect(gate.authorized("Bearer t0ken"))
        #expect(gate.authorized("bearer   t0ken"))
        #expect(!gate.authorized("Bearer t0ke"))
        #expect(!gate.authorized("Bearer t0ken2"))
        #expect(!gate.authorized("Basic t0ken"))
        #expect(!gate.authorized("t0ken"))
        #expect(!gate.authorized(nil))
        let head = HTTPRequestHead(method: "GET", target: "/metrics", version: "HTTP/1.1", headers: [:])
        #expect(gate.screen(head)?.status == 401)
    }
}
