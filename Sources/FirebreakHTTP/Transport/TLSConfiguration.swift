/// Where an `HTTPServer`'s TLS certificate and private key live (PEM files), and how errors name them.
///
/// The server speaks TLS 1.2 and 1.3 only (ECDHE with AEAD ciphers for 1.2), selects ALPN `http/1.1`,
/// refuses renegotiation and compression. Both files are read at `start()` and again on `reloadTLS()`.
public struct TLSConfiguration: Sendable, Equatable {
    /// PEM certificate file: the server certificate first, then any intermediates of its chain.
    public var certificatePath: String
    /// PEM private key file (unencrypted) of the server certificate.
    public var privateKeyPath: String
    /// How error messages name the certificate setting, e.g. `server.tls.certificate`.
    public var certificateName: String = "TLS certificate"
    /// How error messages name the private key setting, e.g. `server.tls.private_key`.
    public var privateKeyName: String = "TLS private key"

    /// TLS with the certificate (chain) and key at these paths.
    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}
