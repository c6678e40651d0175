import FirebreakAWS
import Foundation

extension MotoServer {
    /// The S3 client of this moto (path style on 127.0.0.1), signed with the current `credentials`.
    public func s3(chunkBytes: Int = S3Client.defaultChunkBytes) -> S3Client {
        S3Client(client: client(signingName: S3Client.signingName), chunkBytes: chunkBytes)
    }

    /// Puts `body` at `key` of `bucket` with an unsigned PUT, while authentication is off (`withoutAuthentication`):
    /// the set-up of S3 tests (the client under test only reads). `headers` such as `x-amz-storage-class: GLACIER`.
    public func putObject(bucket: String, key: String, body: [UInt8], headers: [(name: String, value: String)] = []) throws {
        let path = key.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "+&=?"))) ?? String($0) }
            .joined(separator: "/")
        let request = AWSHTTPRequest(method: "PUT", url: URL(string: "http://127.0.0.1:\(port)/\(bucket)/\(path)")!,
                                     headers: headers, body: body)
        let response = try transport.inner.send(request, timeouts: AWSTimeouts(connect: .seconds(1), total: .seconds(10)))
        guard (200..<300).contains(response.status) else {
            throw Unavailable(description: "moto PUT \(bucket)/\(key) answered HTTP \(response.status): "
                              + String(decoding: response.body.prefix(500), as: UTF8.self))
        }
    }
}
