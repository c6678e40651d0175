/// What a loaded server certificate says about itself, for logs and metrics (nothing secret).
public struct TLSCertificateInfo: Sendable, Equatable, CustomStringConvertible {
    /// The subject in OpenSSL's one-line form, e.g. `/CN=firebreak.example.com`.
    public var subject: String
    /// The issuer in the same form (equal to `subject` for a self-signed certificate).
    public var issuer: String
    /// `notBefore` as `YYYY-MM-DD hh:mm:ss UTC`.
    public var notBefore: String
    /// `notAfter` as `YYYY-MM-DD hh:mm:ss UTC`.
    public var notAfter: String
    /// `notAfter` in seconds since 1970 (UTC).
    public var notAfterEpochSeconds: Int64
    /// SHA-256 of the DER certificate, upper-case hex with colons (as `openssl x509 -fingerprint -sha256` prints it).
    public var sha256Fingerprint: String
    /// Certificates of the chain sent after the server certificate.
    public var chainLength: Int

    public var description: String {
        "\(subject) (issuer \(issuer), valid \(notBefore) to \(notAfter), SHA-256 \(sha256Fingerprint))"
    }
}
