import Dispatch
import Foundation
import Glibc
import Synchronization

/// Certificates and keys made with the `openssl` command in a temporary folder (removed on deinit).
final class TLSFixture {
    struct Pair {
        var certificate: String
        var key: String
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fb-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A self-signed EC P-256 certificate for localhost, 127.0.0.1 and ::1, valid for a day.
    @discardableResult
    func selfSigned(_ name: String, commonName: String = "localhost") throws -> Pair {
        let pair = Pair(certificate: path("\(name).crt"), key: path("\(name).key"))
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                     "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
                     "-keyout", pair.key, "-out", pair.certificate])
        return pair
    }

    /// A self-signed certificate valid between two dates such as `20200101000000Z` (`openssl ca -selfsign`;
    /// OpenSSL 3.0's `req` cannot backdate).
    func selfSigned(_ name: String, notBefore: String, notAfter: String) throws -> Pair {
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
    func chain(_ name: String) throws -> (root: String, pair: Pair) {
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

    func openssl(_ arguments: [String]) throws {
        let result = try runTool("openssl", arguments)
        guard result.status == 0 else {
            throw ToolFailure(description: "openssl \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
    }

    /// Copies a file over another (as an operator renewing a certificate would).
    func replace(_ destination: String, with source: String) throws {
        try Data(contentsOf: URL(fileURLWithPath: source)).write(to: URL(fileURLWithPath: destination))
    }
}

struct ToolFailure: Error, CustomStringConvertible {
    var description: String
}

struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a command found on PATH to completion, with both outputs collected; killed after `timeout`.
func runTool(_ name: String, _ arguments: [String], timeout: TimeInterval = 30) throws -> ToolResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [name] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outData = Mutex(Data()), errData = Mutex(Data())
    let group = DispatchGroup()
    let outHandle = out.fileHandleForReading, errHandle = err.fileHandleForReading
    group.enter()
    DispatchQueue.global().async {
        let data = outHandle.readDataToEndOfFile()
        outData.withLock { $0 = data }
        group.leave()
    }
    group.enter()
    DispatchQueue.global().async {
        let data = errHandle.readDataToEndOfFile()
        errData.withLock { $0 = data }
        group.leave()
    }
    if group.wait(timeout: .now() + timeout) != .success {
        // SIGKILL: a child started from a test thread ignores SIGTERM (swift-corelibs-foundation#4772).
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw ToolFailure(description: "\(name) \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
    }
    process.waitUntilExit()
    return ToolResult(status: process.terminationStatus,
                      stdout: String(decoding: outData.withLock { $0 }, as: UTF8.self),
                      stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self))
}
