import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// gzip (RFC 1952) compression and multi-member decompression on top of zlib.
public enum Gzip {
    /// True when `bytes` starts with the gzip magic `1f 8b`.
    public static func hasMagic(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    static func hasMagic(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Decompresses one or more concatenated gzip members (trailing zero padding is allowed).
    public static func decompress(_ bytes: [UInt8], limits: GzipLimits = GzipLimits()) throws(GzipError) -> [UInt8] {
        let storage = try bytes.withUnsafeBufferPointer { (buf) throws(GzipError) -> ByteStorage in
            try inflate(buf, limits: limits)
        }
        return Array(storage.buffer)
    }

    /// Compresses `bytes` into a single gzip member. `level` is zlib's 0–9 (default 6).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        let strm = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        strm.initialize(to: z_stream())
        defer { strm.deinitialize(count: 1); strm.deallocate() }
        guard czlib_deflateInit2(strm, max(0, min(9, level)), 15 + 16) == Z_OK else {
            fatalError("deflateInit2 failed (out of memory)")
        }
        defer { deflateEnd(strm) }
        var input = bytes  // zlib's next_in is non-const
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: Int(deflateBound(strm, UInt(bytes.count))) + 64)
        input.withUnsafeMutableBufferPointer { inBuf in
            var offset = 0
            while true {
                let remaining = inBuf.count - offset
                let take = min(remaining, Int(UInt32.max))
                strm.pointee.next_in = inBuf.baseAddress.map { $0 + offset }
                strm.pointee.avail_in = UInt32(take)
                let flush = take == remaining ? Z_FINISH : Z_NO_FLUSH
                var status: Int32 = Z_OK
                repeat {
                    chunk.withUnsafeMutableBufferPointer { out in
                        strm.pointee.next_out = out.baseAddress
                        strm.pointee.avail_out = UInt32(min(out.count, Int(UInt32.max)))
                        status = deflate(strm, flush)
                        output.append(contentsOf: out[0..<(out.count - Int(strm.pointee.avail_out))])
                    }
                } while strm.pointee.avail_out == 0 && status == Z_OK
                offset += take - Int(strm.pointee.avail_in)
                if flush == Z_FINISH && status == Z_STREAM_END { break }
                if status != Z_OK && status != Z_BUF_ERROR { fatalError("deflate failed: \(status)") }
            }
        }
        return output
    }

    /// Inflates into a fresh, exactly sized `ByteStorage`. Stops as soon as a limit is passed.
    static func inflate(_ input: UnsafeBufferPointer<UInt8>, limits: GzipLimits) throws(GzipError) -> ByteStorage {
        guard hasMagic(input), let inBase = input.baseAddress else { throw .notGzip }
        let maxOut = max(0, limits.maxOutputBytes)
        let hardCap = maxOut == Int.max ? Int.max : maxOut + 1  // one byte more detects "passed"

        // Pre-size from the ISIZE trailer of the last member, bounded by what the input can
        // plausibly expand to, so a lying trailer cannot make us allocate the full cap up front.
        let n = input.count
        var isize = 0
        if n >= 18 {
            isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
        }
        let plausible = n.multipliedReportingOverflow(by: 1032).overflow ? Int.max : n * 1032
        var capacity = min(hardCap, max(4096, min(isize + 1, plausible)))
        guard var out = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else { throw .outOfMemory }
        var produced = 0
        var success = false
        defer { if !success { free(out) } }

        let strm = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        strm.initialize(to: z_stream())
        defer { strm.deinitialize(count: 1); strm.deallocate() }
        let initStatus = czlib_inflateInit2(strm, 15 + 16)
        guard initStatus == Z_OK else { throw initStatus == Z_MEM_ERROR ? .outOfMemory : .zlib(code: initStatus) }
        defer { inflateEnd(strm) }

        // zlib's next_in is `Bytef *` (not const) but inflate never writes through it.
        let mutableIn = UnsafeMutablePointer(mutating: inBase)
        var consumed = 0
        let maxChunk = 4 << 20
        inflating: while true {
            if produced == capacity {
                if capacity >= hardCap { throw .outputLimitExceeded(limit: maxOut) }
                let newCapacity = min(hardCap, capacity > hardCap / 2 ? hardCap : capacity * 2)
                guard let grown = realloc(out, newCapacity) else { throw .outOfMemory }
                out = grown.assumingMemoryBound(to: UInt8.self)
                capacity = newCapacity
            }
            let inAvail = min(n - consumed, Int(UInt32.max))
            let outAvail = min(capacity - produced, maxChunk)
            strm.pointee.next_in = mutableIn + consumed
            strm.pointee.avail_in = UInt32(inAvail)
            strm.pointee.next_out = out + produced
            strm.pointee.avail_out = UInt32(outAvail)
            let status = CZlib.inflate(strm, Z_NO_FLUSH)
            consumed += inAvail - Int(strm.pointee.avail_in)
            produced += outAvail - Int(strm.pointee.avail_out)

            if produced > maxOut { throw .outputLimitExceeded(limit: maxOut) }
            if produced > limits.ratioThresholdBytes && limits.maxRatio > 0 {
                let (bound, overflow) = max(consumed, 1).multipliedReportingOverflow(by: limits.maxRatio)
                if !overflow && produced > bound { throw .compressionRatioExceeded(limit: limits.maxRatio) }
            }

            switch status {
            case Z_STREAM_END:
                // A member ended: another member, zero padding, or garbage may follow.
                if consumed == n { break inflating }
                var allZero = true
                for i in consumed..<n where input[i] != 0 { allZero = false; break }
                if allZero { break inflating }
                guard n - consumed >= 2, input[consumed] == 0x1f, input[consumed + 1] == 0x8b else {
                    throw .trailingGarbage(offset: consumed)
                }
                let reset = inflateReset(strm)
                guard reset == Z_OK else { throw .zlib(code: reset) }
                continue
            case Z_OK, Z_BUF_ERROR:
                // No stream end yet. With output room left, zlib stopped because input ran out.
                if strm.pointee.avail_out > 0 && consumed == n { throw .truncated }
                if status == Z_BUF_ERROR && strm.pointee.avail_out > 0 { throw .truncated }
                continue
            case Z_DATA_ERROR, Z_NEED_DICT:
                let why = strm.pointee.msg.map { String(cString: $0) } ?? "invalid deflate data"
                throw .corrupt(why)
            case Z_MEM_ERROR:
                throw .outOfMemory
            default:
                throw .zlib(code: status)
            }
        }
        if capacity > produced + 4096, let shrunk = realloc(out, max(produced, 1)) {
            out = shrunk.assumingMemoryBound(to: UInt8.self)
        }
        success = true
        return ByteStorage(takingOwnershipOf: out, count: produced)
    }
}
