import CZlib
import Foundation

/// The baseline: zlib inflate of each record into a reused buffer plus a newline count — the least
/// work any decoder of these records must do.
enum Baseline {
    static func run(_ records: [[UInt8]]) {
        var newlines = 0
        var out = [UInt8](repeating: 0, count: 1 << 20)
        for record in records { newlines &+= inflate(record, into: &out) }
        precondition(newlines >= 0)
    }

    static func inflatedSize(_ record: [UInt8]) -> Int {
        var total = 0
        var out = [UInt8](repeating: 0, count: 1 << 20)
        _ = inflate(record, into: &out) { total += $0 }
        return total
    }

    /// Inflates a gzip member stream chunk by chunk, returning the number of newlines seen.
    @discardableResult
    static func inflate(_ record: [UInt8], into out: inout [UInt8], produced: (Int) -> Void = { _ in }) -> Int {
        let strm = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        strm.initialize(to: z_stream())
        defer { inflateEnd(strm); strm.deinitialize(count: 1); strm.deallocate() }
        guard czlib_inflateInit2(strm, 15 + 16) == Z_OK else { return 0 }
        var input = record
        var newlines = 0
        input.withUnsafeMutableBufferPointer { src in
            strm.pointee.next_in = src.baseAddress
            strm.pointee.avail_in = UInt32(src.count)
            out.withUnsafeMutableBufferPointer { dst in
                while true {
                    strm.pointee.next_out = dst.baseAddress
                    strm.pointee.avail_out = UInt32(dst.count)
                    let rc = CZlib.inflate(strm, Z_NO_FLUSH)
                    let n = dst.count - Int(strm.pointee.avail_out)
                    produced(n)
                    for i in 0..<n where dst[i] == 10 { newlines += 1 }
                    if rc == Z_STREAM_END {
                        if strm.pointee.avail_in == 0 { break }
                        inflateReset(strm)
                    } else if rc != Z_OK {
                        break
                    }
                }
            }
        }
        return newlines
    }

    /// Reads a file and counts its lines: the least work any list loader must do.
    static func countLines(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return data.withUnsafeBytes { raw in raw.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } }
    }
}
