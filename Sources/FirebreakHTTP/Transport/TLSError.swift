/// Why a TLS certificate and key could not be loaded; every message names the setting, the file and the fix.
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read (missing, permissions, a directory, too large).
    case unreadableFile(name: String, path: String, reason: String)
    /// The certificate file holds no PEM certificate, or one of its certificates does not parse.
    case invalidCertificate(name: String, path: String, reason: String)
    /// The key file holds no usable PEM private key.
    case invalidPrivateKey(name: String, path: String, reason: String)
    /// The key file holds an encrypted key; the server cannot ask for a passphrase.
    case encryptedPrivateKey(name: String, path: String)
    /// The private key is not the key of the certificate.
    case keyMismatch(certificateName: String, certificatePath: String, keyName: String, keyPath: String)
    /// A certificate of the file is past its `notAfter` date (`subject` names which one when it is not the first).
    case expired(name: String, path: String, subject: String?, notAfter: String)
    /// A certificate of the file is not valid yet (its `notBefore` is in the future).
    case notYetValid(name: String, path: String, subject: String?, notBefore: String)
    /// OpenSSL refused a setting or ran out of memory.
    case openSSL(operation: String, reason: String)
    /// `reloadTLS()` on a server started without TLS.
    case notConfigured

    public var description: String {
        switch self {
        case let .unreadableFile(name, path, reason):
            "\(name) \(path): cannot read it: \(reason); check the path and that the service's user may read the file"
        case let .invalidCertificate(name, path, reason):
            "\(name) \(path): \(reason); give a PEM file of '-----BEGIN CERTIFICATE-----' blocks, the server certificate first, then its intermediates"
        case let .invalidPrivateKey(name, path, reason):
            "\(name) \(path): \(reason); give the certificate's unencrypted PEM private key ('-----BEGIN PRIVATE KEY-----')"
        case let .encryptedPrivateKey(name, path):
            "\(name) \(path): the private key is encrypted and the service cannot ask for its passphrase; store it decrypted (openssl pkey -in KEY -out PLAIN.pem) in a file only the service's user may read"
        case let .keyMismatch(certificateName, certificatePath, keyName, keyPath):
            "\(keyName) \(keyPath) does not belong to \(certificateName) \(certificatePath): give the key the certificate was issued for (or the certificate of this key)"
        case let .expired(name, path, subject, notAfter):
            "\(name) \(path): \(subject.map { "chain certificate \($0)" } ?? "certificate") expired on \(notAfter); renew it (and check the system clock)"
        case let .notYetValid(name, path, subject, notBefore):
            "\(name) \(path): \(subject.map { "chain certificate \($0)" } ?? "certificate") is not valid before \(notBefore); check the system clock or use a certificate valid now"
        case let .openSSL(operation, reason):
            "TLS setup failed in \(operation): \(reason)"
        case .notConfigured:
            "TLS is not configured on this server: give a certificate and a private key to enable it"
        }
    }
}
