import Foundation
import Testing
@testable import FirebreakServer
import FirebreakTestSupport

@Suite struct ServiceConfigurationTests {
    static let packageRoot = TestPaths.packageRoot

    @Test func embeddedDefaultIsTheConfigFile() throws {
        let file = try String(contentsOf: Self.packageRoot.appendingPathComponent("config/firebreak.yaml"), encoding: .utf8)
        #expect(DefaultConfiguration.yaml + "\n" == file, "run `make embed-config` after editing config/firebreak.yaml")
    }

    @Test func defaultsListenOnLoopbackWithoutKey() throws {
        let c = try ServiceConfiguration.load(environment: [:])
        #expect(c.listen.map(\.description) == ["127.0.0.1:8080"])
        #expect(c.accessKeys.isEmpty)
        #expect(c.firehosePath == "/firehose")
        #expect(c.maxBodyBytes == 64 << 20)
        #expect(c.maxHeaders == 100)
        #expect(c.headerTimeout == .seconds(10))
        #expect(c.idleTimeout == .seconds(60))
        #expect(c.workerCount >= 1)
        try c.validateExposure()
    }

    @Test func environmentOverridesEveryKeyAndShortForms() throws {
        let c = try ServiceConfiguration.load(environment: [
            "FIREBREAK_LISTEN": "127.0.0.1:9000, [::1]:9001",
            "FIREBREAK_ACCESS_KEY": "k1",
            "FIREBREAK_SERVER_HEADER_TIMEOUT_SECONDS": "3",
            "FIREBREAK_WORKERS_QUEUE_LENGTH": "7",
            "FIREBREAK_FIREHOSE_PATH": "/in",
            "FIREBREAK_DECODE_FLOW_LOG_FORMATS": #"[{"log_group_prefix": "/vpc/prod", "format": "${version} ${srcaddr} ${dstaddr}"}]"#,
        ])
        #expect(c.listen.map(\.description) == ["127.0.0.1:9000", "[::1]:9001"])
        #expect(c.accessKeys.accepts("k1"))
        #expect(c.headerTimeout == .seconds(3))
        #expect(c.queueLength == 7)
        #expect(c.firehosePath == "/in")
        #expect(c.decoder.flowLogFormats.map(\.logGroupPrefix) == ["/vpc/prod"])
    }

    @Test func memberAccountsAndExports() throws {
        let defaults = try ServiceConfiguration.load(environment: [:])
        #expect(defaults.awsAssumeRoleArn == nil && defaults.awsExternalID == nil && defaults.awsAccountID == nil)
        #expect(defaults.exportMinLevel == .medium && !defaults.exportSecurityHub)

        let c = try ServiceConfiguration.load(environment: [
            "FIREBREAK_AWS_ACCOUNT_ID": "123456789012",
            "FIREBREAK_AWS_ASSUME_ROLE_ARN": "arn:aws:iam::{account_id}:role/FirebreakResponder",
            "FIREBREAK_AWS_EXTERNAL_ID": "ext-7c1d-secret",
            "FIREBREAK_EXPORT_MIN_LEVEL": "high",
            "FIREBREAK_EXPORT_SECURITYHUB_ENABLED": "true",
        ])
        #expect(c.awsAccountID == "123456789012")
        #expect(c.awsAssumeRoleArn == "arn:aws:iam::{account_id}:role/FirebreakResponder")
        #expect(c.awsExternalID == "ext-7c1d-secret")
        #expect(c.exportMinLevel == .high && c.exportSecurityHub)
        // The external id is a shared secret of the member roles' trust: the summary says it is set, not what it is.
        #expect(!c.summary.contains("ext-7c1d-secret") && c.summary.contains("aws.external_id: (set)"))

        for (key, value, expected) in [
            ("FIREBREAK_AWS_ASSUME_ROLE_ARN", "arn:aws:iam::111111111111:role/FirebreakResponder", "{account_id}"),
            ("FIREBREAK_AWS_ASSUME_ROLE_ARN", "FirebreakResponder", "an IAM role ARN"),
            ("FIREBREAK_AWS_ACCOUNT_ID", "12345", "12-digit"),
            ("FIREBREAK_EXPORT_MIN_LEVEL", "severe", "informational, low, medium, high, critical"),
            ("FIREBREAK_EXPORT_SECURITYHUB_ENABLED", "sometimes", "true or false"),
        ] {
            do {
                _ = try ServiceConfiguration.load(environment: [key: value])
                Issue.record("\(key)=\(value) was accepted")
            } catch {
                #expect(error.description.contains(expected) && error.description.contains(key), "\(error)")
            }
        }
    }

    @Test func genericNameWinsOverShortForm() throws {
        let c = try ServiceConfiguration.load(environment: [
            "FIREBREAK_LISTEN": "127.0.0.1:9000", "FIREBREAK_SERVER_LISTEN": "127.0.0.1:9100",
        ])
        #expect(c.listen.map(\.description) == ["127.0.0.1:9100"])
    }

    @Test func fileLayerAndUnknownKey() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fb-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.yaml")
        try "server:\n  listen: \"[::1]:8443\"\nworkers:\n  count: 3\n".write(to: good, atomically: true, encoding: .utf8)
        let c = try ServiceConfiguration.load(file: good.path, environment: [:])
        #expect(c.listen.map(\.description) == ["[::1]:8443"])
        #expect(c.workerCount == 3)

        let bad = dir.appendingPathComponent("bad.yaml")
        try "server:\n  listn: 1\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.unknownKey(key: "server.listn", source: bad.path)) {
            try ServiceConfiguration.load(file: bad.path, environment: [:])
        }
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(file: dir.appendingPathComponent("missing.yaml").path, environment: [:])
        }
    }

    @Test func invalidValuesNameKeyAndSource() {
        do {
            _ = try ServiceConfiguration.load(environment: ["FIREBREAK_WORKERS_QUEUE_LENGTH": "many"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("workers.queue_length"))
            #expect(error.description.contains("FIREBREAK_WORKERS_QUEUE_LENGTH"))
        }
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(environment: ["FIREBREAK_LISTEN": "not an address"])
        }
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(environment: ["FIREBREAK_DECODE_FLOW_LOG_FORMATS": "[{format: x}]"])
        }
    }

    @Test func refusesPublicAddressWithoutKey() throws {
        let open = try ServiceConfiguration.load(environment: ["FIREBREAK_LISTEN": "0.0.0.0:8080"])
        #expect(throws: ConfigurationError.accessKeyRequired(addresses: "0.0.0.0:8080")) { try open.validateExposure() }
        let keyed = try ServiceConfiguration.load(environment: ["FIREBREAK_LISTEN": "0.0.0.0:8080", "FIREBREAK_ACCESS_KEY": "s3cret"])
        try keyed.validateExposure()
        #expect(!keyed.summary.contains("s3cret"))
        #expect(!String(describing: keyed).contains("s3cret"))
    }

    @Test func accessKeyFileWithRotationAndSecretsManagerJSON() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fb-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = dir.appendingPathComponent("keys")
        try "new-key\n\nold-key\n".write(to: lines, atomically: true, encoding: .utf8)
        let c = try ServiceConfiguration.load(environment: ["FIREBREAK_ACCESS_KEY_FILE": lines.path])
        #expect(c.accessKeys.count == 2)
        #expect(c.accessKeys.accepts("new-key") && c.accessKeys.accepts("old-key"))
        #expect(!c.accessKeys.accepts("other"))

        let json = dir.appendingPathComponent("secret.json")
        try #"{"api_key": "from-secrets-manager"}"#.write(to: json, atomically: true, encoding: .utf8)
        let s = try ServiceConfiguration.load(environment: ["FIREBREAK_ACCESS_KEY_FILE": json.path])
        #expect(s.accessKeys.accepts("from-secrets-manager"))

        let env = try ServiceConfiguration.load(environment: ["FIREBREAK_ACCESS_KEY": #"{"api_key":"injected"}"#])
        #expect(env.accessKeys.accepts("injected"))

        // ECS rotation: the current and the pending secret version, each in its own variable.
        let both = try ServiceConfiguration.load(environment: ["FIREBREAK_ACCESS_KEY": "current-key",
                                                               "FIREBREAK_FIREHOSE_SECONDARY_ACCESS_KEY": #"{"api_key":"pending-key"}"#])
        #expect(both.accessKeys.count == 2)
        #expect(both.accessKeys.accepts("current-key") && both.accessKeys.accepts("pending-key"))
        #expect(!both.summary.contains("pending-key") && !both.summary.contains("current-key"))

        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(environment: ["FIREBREAK_ACCESS_KEY_FILE": dir.appendingPathComponent("none").path])
        }
    }

    @Test func tlsIsOffByDefaultAndTakesBothPathsFromFileOrEnvironment() throws {
        let plain = try ServiceConfiguration.load(environment: [:])
        #expect(plain.tls == nil)
        #expect(plain.httpConfiguration.tls == nil)
        #expect(plain.summary.contains("server.tls: off"))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fb-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tls.yaml")
        try "server:\n  tls:\n    certificate: /etc/fb/chain.pem\n    private_key: /etc/fb/key.pem\n".write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try ServiceConfiguration.load(file: file.path, environment: ["FIREBREAK_SERVER_HEADER_TIMEOUT_SECONDS": "4"])
        let tls = try #require(fromFile.tls)
        #expect(tls.certificatePath == "/etc/fb/chain.pem" && tls.privateKeyPath == "/etc/fb/key.pem")
        #expect(tls.certificateName == "server.tls.certificate" && tls.privateKeyName == "server.tls.private_key")
        #expect(fromFile.httpConfiguration.tls == tls)
        #expect(fromFile.httpConfiguration.handshakeTimeout == .seconds(4))
        #expect(fromFile.summary.contains("server.tls: certificate /etc/fb/chain.pem, private key /etc/fb/key.pem"))

        let generic = try ServiceConfiguration.load(environment: [
            "FIREBREAK_SERVER_TLS_CERTIFICATE": "/a.pem", "FIREBREAK_SERVER_TLS_PRIVATE_KEY": "/b.pem"])
        #expect(generic.tls?.certificatePath == "/a.pem" && generic.tls?.privateKeyPath == "/b.pem")
        let short = try ServiceConfiguration.load(environment: ["FIREBREAK_TLS_CERTIFICATE": "/c.pem", "FIREBREAK_TLS_PRIVATE_KEY": "/d.pem"])
        #expect(short.tls?.certificatePath == "/c.pem" && short.tls?.privateKeyPath == "/d.pem")
    }

    @Test func tlsNeedsBothPaths() {
        do {
            _ = try ServiceConfiguration.load(environment: ["FIREBREAK_TLS_CERTIFICATE": "/c.pem"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("server.tls.private_key"))
            #expect(error.description.contains("set both, or neither"))
        }
        do {
            _ = try ServiceConfiguration.load(environment: ["FIREBREAK_SERVER_TLS_PRIVATE_KEY": "/k.pem"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("server.tls.certificate"))
        }
    }
}
