internal import COpenSSL
import Glibc

/// An OpenSSL server context (`SSL_CTX`): the TLS policy with one certificate chain and private key.
///
/// Policy: TLS 1.2 and 1.3 only; for 1.2 only ECDHE key exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305);
/// ALPN `http/1.1` (a client offering only other protocols is refused with `no_application_protocol`);
/// no renegotiation, no compression. A context never changes once made: a reload makes a new one, and each
/// connection's `SSL` holds its own reference to the context it began with.
final class TLSContext: @unchecked Sendable {
    // @unchecked Sendable: `pointer` is fully configured in init and never changed afterwards; OpenSSL allows
    // SSL_new on one SSL_CTX from any thread.
    let pointer: OpaquePointer
    let certificate: TLSCertificateInfo

    static let tls12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
    static let tls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    static let groups = "X25519:P-256:P-384"
    /// PEM files larger than this are refused (a certificate chain is a few KiB).
    static let maxFileBytes = 1 << 20

    /// Reads and checks the certificate chain and key of `configuration` and builds the context.
    init(_ configuration: TLSConfiguration) throws(TLSError) {
        let c = configuration
        let chain = try Self.loadCertificates(c)
        defer { chain.forEach { X509_free($0) } }
        try Self.checkValidity(chain, c)
        let key = try Self.loadPrivateKey(c)
        defer { EVP_PKEY_free(key) }
        let leaf = chain[0]
        ERR_clear_error()
        guard X509_check_private_key(leaf, key) == 1 else {
            ERR_clear_error()
            throw .keyMismatch(certificateName: c.certificateName, certificatePath: c.certificatePath,
                               keyName: c.privateKeyName, keyPath: c.privateKeyPath)
        }

        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw .openSSL(operation: "SSL_CTX_new", reason: Self.takeErrors())
        }
        do throws(TLSError) {
            try Self.check(firebreak_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION), "setting TLS 1.2 as the minimum")
            try Self.check(firebreak_SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION), "setting TLS 1.3 as the maximum")
            try Self.check(SSL_CTX_set_cipher_list(context, Self.tls12Ciphers), "SSL_CTX_set_cipher_list")
            try Self.check(SSL_CTX_set_ciphersuites(context, Self.tls13Suites), "SSL_CTX_set_ciphersuites")
            try Self.check(firebreak_SSL_CTX_set1_groups_list(context, Self.groups), "SSL_CTX_set1_groups_list")
            firebreak_SSL_CTX_set_server_options(context)
            firebreak_SSL_CTX_set_server_modes(context)
            firebreak_SSL_CTX_select_http11(context)
            try Self.check(SSL_CTX_use_certificate(context, leaf), "SSL_CTX_use_certificate")
            for intermediate in chain.dropFirst() {
                try Self.check(firebreak_SSL_CTX_add1_chain_cert(context, intermediate), "SSL_CTX_add1_chain_cert")
            }
            try Self.check(SSL_CTX_use_PrivateKey(context, key), "SSL_CTX_use_PrivateKey")
            guard SSL_CTX_check_private_key(context) == 1 else {
                ERR_clear_error()
                throw .keyMismatch(certificateName: c.certificateName, certificatePath: c.certificatePath,
                                   keyName: c.privateKeyName, keyPath: c.privateKeyPath)
            }
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        pointer = context
        certificate = Self.describe(leaf, chainLength: chain.count - 1)
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    // MARK: Loading

    /// The certificates of the file, server certificate first; the caller frees them.
    private static func loadCertificates(_ c: TLSConfiguration) throws(TLSError) -> [OpaquePointer] {
        let bytes = try readFile(c.certificatePath, name: c.certificateName)
        var chain: [OpaquePointer] = []
        ERR_clear_error()
        bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return }
            defer { BIO_free(bio) }
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
                chain.append(certificate)
            }
        }
        // Reading stops at the first block that is not a certificate; only "no more PEM blocks" is a clean end.
        let last = ERR_peek_last_error()
        let cleanEnd = ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE
        if chain.isEmpty || !cleanEnd {
            let reason = cleanEnd ? "no PEM certificate found"
                : "certificate \(chain.count + 1) of the file does not parse (\(takeErrors()))"
            ERR_clear_error()
            chain.forEach { X509_free($0) }
            throw .invalidCertificate(name: c.certificateName, path: c.certificatePath, reason: reason)
        }
        ERR_clear_error()
        return chain
    }

    /// Refuses a certificate of the chain that is expired or not yet valid.
    private static func checkValidity(_ chain: [OpaquePointer], _ c: TLSConfiguration) throws(TLSError) {
        // An index loop: a tuple-destructuring `for` with typed throws crashes the 6.3 release optimizer.
        for index in chain.indices {
            let certificate = chain[index]
            let subject = index == 0 ? nil : name(X509_get_subject_name(certificate))
            if let notAfter = X509_get0_notAfter(certificate), X509_cmp_current_time(notAfter) < 0 {
                throw .expired(name: c.certificateName, path: c.certificatePath, subject: subject, notAfter: format(notAfter).text)
            }
            if let notBefore = X509_get0_notBefore(certificate), X509_cmp_current_time(notBefore) > 0 {
                throw .notYetValid(name: c.certificateName, path: c.certificatePath, subject: subject, notBefore: format(notBefore).text)
            }
        }
    }

    /// The key of the file; its bytes are wiped from memory once parsed. The caller frees the key.
    private static func loadPrivateKey(_ c: TLSConfiguration) throws(TLSError) -> OpaquePointer {
        var bytes = try readFile(c.privateKeyPath, name: c.privateKeyName)
        defer { bytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        if contains(bytes, "-----BEGIN ENCRYPTED PRIVATE KEY-----") || contains(bytes, "Proc-Type: 4,ENCRYPTED") {
            throw .encryptedPrivateKey(name: c.privateKeyName, path: c.privateKeyPath)
        }
        ERR_clear_error()
        let key: OpaquePointer? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            // An empty passphrase instead of the default callback, which would prompt on the terminal.
            return "".withCString { PEM_read_bio_PrivateKey(bio, nil, nil, UnsafeMutableRawPointer(mutating: $0)) }
        }
        guard let key else {
            let reason = takeErrors()
            throw .invalidPrivateKey(name: c.privateKeyName, path: c.privateKeyPath, reason: "no usable PEM private key found (\(reason))")
        }
        return key
    }

    /// The whole file, at most `maxFileBytes`.
    private static func readFile(_ path: String, name: String) throws(TLSError) -> [UInt8] {
        guard !path.isEmpty else { throw .unreadableFile(name: name, path: "''", reason: "no path given") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw .unreadableFile(name: name, path: path, reason: "\(Socket.errorMessage(e)) (errno \(e))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let e = errno
            throw .unreadableFile(name: name, path: path, reason: "\(Socket.errorMessage(e)) (errno \(e))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .unreadableFile(name: name, path: path, reason: "not a regular file")
        }
        guard Int(info.st_size) <= maxFileBytes else {
            throw .unreadableFile(name: name, path: path, reason: "larger than \(maxFileBytes) bytes, which no PEM certificate or key is")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw .unreadableFile(name: name, path: path, reason: "\(Socket.errorMessage(e)) (errno \(e))")
            }
            bytes.append(contentsOf: chunk[0..<n])
            guard bytes.count <= maxFileBytes else {
                throw .unreadableFile(name: name, path: path, reason: "larger than \(maxFileBytes) bytes, which no PEM certificate or key is")
            }
        }
        chunk.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
        return bytes
    }

    private static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    private static func check(_ result: Int32, _ operation: String) throws(TLSError) {
        guard result == 1 else { throw .openSSL(operation: operation, reason: takeErrors()) }
    }

    // MARK: Describing

    private static func describe(_ certificate: OpaquePointer, chainLength: Int) -> TLSCertificateInfo {
        let unknown: (text: String, epoch: Int64) = ("unknown", 0)
        let notBefore = X509_get0_notBefore(certificate).map { format($0) } ?? unknown
        let notAfter = X509_get0_notAfter(certificate).map { format($0) } ?? unknown
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let fingerprint: String
        if X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 {
            fingerprint = digest.prefix(Int(length)).map { byte in
                let hex = String(byte, radix: 16, uppercase: true)
                return byte < 16 ? "0" + hex : hex
            }.joined(separator: ":")
        } else {
            fingerprint = ""
        }
        return TLSCertificateInfo(subject: name(X509_get_subject_name(certificate)), issuer: name(X509_get_issuer_name(certificate)),
                                  notBefore: notBefore.text, notAfter: notAfter.text, notAfterEpochSeconds: notAfter.epoch,
                                  sha256Fingerprint: fingerprint, chainLength: chainLength)
    }

    private static func name(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        var buffer = [CChar](repeating: 0, count: 512)
        guard X509_NAME_oneline(name, &buffer, Int32(buffer.count)) != nil else { return "" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `YYYY-MM-DD hh:mm:ss UTC` and seconds since 1970.
    private static func format(_ time: UnsafePointer<ASN1_TIME>) -> (text: String, epoch: Int64) {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return ("unknown", 0) }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let text = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
        return (text, Int64(timegm(&parts)))
    }

    /// OpenSSL's queued errors of this thread as one line, and an empty queue afterwards.
    static func takeErrors() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no OpenSSL error reported" : messages.joined(separator: "; ")
    }
}
