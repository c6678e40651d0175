import Foundation

/// Certificates and keys made with the `openssl` command in a temporary folder (removed on deinit).
public final class TLSFixture {
    public struct Pair: Sendable {
        public var certificate: String
        public var key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    public let directory: URL

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fb-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A self-signed EC P-256 certificate for localhost, 127.0.0.1 and ::1, valid for a day.
    @discardableResult
    public func selfSigned(_ name: String, commonName: String = "localhost") throws -> Pair {
        let pair = Pair(certificate: path("\(name).crt"), key: path("\(name).key"))
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                     "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
                     "-keyout", pair.key, "-out", pair.certificate])
        return pair
    }

    /// A self-signed certificate valid between two dates such as `20200101000000Z` (`openssl ca -selfsign`;
    /// OpenSSL 3.0's `req` cannot backdate).
    public func selfSigned(_ name: String, notBefore: String, notAfter: String) throws -> Pair {
        let pair = Pair(certificate: path("\(name).crt"), key: path("\(name).key"))
        let ca = directory.appendingPathComponent("ca-\(name)")
        try FileManager.default.createDirectory(at: ca, withIntermediateDirectories: true)
        try "".write(to: ca.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
        try "01\n".write(to: ca.appendingPathComponent("serial"), atomically: true, encoding: .utf8)
        let config = """
            [ ca ]
            default_ca = dated
            [ dated ]
            database = \(ca.path)/index.txt
            new_certs_dir = \(ca.path)
            serial = \(ca.path)/serial
            default_md = sha256
            policy = any
            unique_subject = no
            [ any ]
            commonName = supplied
            """
        try config.write(to: ca.appendingPathComponent("ca.cnf"), atomically: true, encoding: .utf8)
        let request = ca.appendingPathComponent("request.csr").path
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-subj", "/CN=localhost", "-keyout", pair.key, "-out", request])
        try openssl(["ca", "-batch", "-config", ca.appendingPathComponent("ca.cnf").path, "-selfsign", "-keyfile", pair.key,
                     "-in", request, "-out", pair.certificate, "-startdate", notBefore, "-enddate", notAfter])
        return pair
    }

    /// A root CA and a server certificate it signed; the certificate file holds the server certificate, then the root.
    public func chain(_ name: String) throws -> (root: String, pair: Pair) {
        let root = Pair(certificate: path("\(name)-root.crt"), key: path("\(name)-root.key"))
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                     "-subj", "/CN=Firebreak Test Root", "-keyout", root.key, "-out", root.certificate])
        let leafKey = path("\(name).key"), request = path("\(name).csr"), leaf = path("\(name)-leaf.crt")
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-subj", "/CN=localhost", "-keyout", leafKey, "-out", request])
        let extensions = path("\(name).ext")
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", request, "-CA", root.certificate, "-CAkey", root.key, "-CAcreateserial",
                     "-days", "1", "-extfile", extensions, "-out", leaf])
        let chainFile = path("\(name)-chain.crt")
        let text = try String(contentsOfFile: leaf, encoding: .utf8) + String(contentsOfFile: root.certificate, encoding: .utf8)
        try text.write(toFile: chainFile, atomically: true, encoding: .utf8)
        return (root.certificate, Pair(certificate: chainFile, key: leafKey))
    }

    public func openssl(_ arguments: [String]) throws {
        let result = try ChildProcess.run("openssl", arguments, timeout: 30)
        guard result.status == 0 else {
            throw ChildProcess.Failure(description: "openssl \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
    }

    /// Copies a file over another (as an operator renewing a certificate would).
    public func replace(_ destination: String, with source: String) throws {
        try Data(contentsOf: URL(fileURLWithPath: source)).write(to: URL(fileURLWithPath: destination))
    }
}
