import Foundation

/// The JSON the container and instance metadata endpoints answer with:
/// `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration` (ISO 8601), and from IMDS `Code` ("Success").
struct CredentialsDocument: Decodable {
    var AccessKeyId: String?
    var SecretAccessKey: String?
    var Token: String?
    var Expiration: String?
    var Code: String?

    /// Parses `body`; errors name `source` and never include the body (it holds the secret).
    static func credentials(from body: [UInt8], source: String) throws(AWSError) -> AWSCredentials {
        let document: CredentialsDocument
        do {
            document = try JSONDecoder().decode(CredentialsDocument.self, from: Data(body))
        } catch {
            throw AWSError(.credentials, message: "\(source): the response is not a credentials JSON object (\(body.count) bytes)")
        }
        if let code = document.Code, code != "Success" {
            throw AWSError(.credentials, message: "\(source): Code is \(code.prefix(64)), not Success")
        }
        guard let key = AWSProfileFile.nonEmpty(document.AccessKeyId),
              let secret = AWSProfileFile.nonEmpty(document.SecretAccessKey) else {
            throw AWSError(.credentials, message: "\(source): the response lacks AccessKeyId or SecretAccessKey")
        }
        var expiration: Date?
        if let text = AWSProfileFile.nonEmpty(document.Expiration) {
            guard let date = parseDate(text) else {
                throw AWSError(.credentials, message: "\(source): Expiration \"\(text.prefix(40))\" is not an ISO 8601 date")
            }
            expiration = date
        }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: AWSProfileFile.nonEmpty(document.Token),
                              expiration: expiration)
    }

    /// `2026-11-30T07:38:24Z`, with or without fractional seconds, or with an offset.
    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
