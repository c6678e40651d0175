import FirebreakAWS
import Foundation

/// One thing `firebreak replay` reads whole and evaluates: a local file (or standard input), an S3 object, or bytes
/// already in memory (tests, the benchmark).
public enum ReplayInput: Sendable {
    case file(String)
    case object(bucket: String, S3Object)
    case memory(name: String, bytes: [UInt8])

    /// How it is named in warnings and errors.
    var name: String {
        switch self {
        case .file(let path): path
        case .object(let bucket, let object): "s3://\(bucket)/\(object.key)"
        case .memory(let name, _): name
        }
    }

    /// Its size when known before reading (not for standard input).
    var size: Int64? {
        switch self {
        case .file(let path):
            guard path != "-", let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
            return (attributes[.size] as? NSNumber)?.int64Value
        case .object(_, let object):
            return object.size
        case .memory(_, let bytes):
            return Int64(bytes.count)
        }
    }

    /// Its bytes; `progress` hears of an S3 object's chunks as they arrive.
    func read(s3: S3Client?, maxObjectBytes: Int64, progress: (Int) -> Void) throws(CommandError) -> [UInt8] {
        switch self {
        case .file(let path):
            guard let bytes = InputFile.read(path) else { throw CommandError(.failure, "\(path): cannot read the file") }
            return bytes
        case .object(let bucket, let object):
            guard let s3 else { throw CommandError(.failure, "\(name): no S3 client") }
            var bytes: [UInt8] = []
            do {
                try s3.readObject(bucket: bucket, key: object.key, maxBytes: maxObjectBytes) { chunk in
                    if bytes.isEmpty { bytes.reserveCapacity(Int(chunk.objectSize)) }
                    bytes += chunk.bytes
                    progress(chunk.bytes.count)
                    return true
                }
            } catch {
                if error.code == "ObjectTooLarge" {
                    throw CommandError(.failure, "\(error.message) (--max-object-bytes): the replay holds one object "
                                       + "whole, as it does a local file; raise the limit or copy the object and split it")
                }
                throw CommandError(.failure, "\(name): cannot read the object: \(error)")
            }
            return bytes
        case .memory(_, let bytes):
            return bytes
        }
    }
}
