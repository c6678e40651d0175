import CZlib

/// gzip for building fixtures, straight on zlib (independent of the decoder under test).
enum TestGzip {
    static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        let strm = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        strm.initialize(to: z_stream())
        defer { deflateEnd(strm); strm.deinitialize(count: 1); strm.deallocate() }
        precondition(czlib_deflateInit2(strm, level, 15 + 16) == Z_OK)
        var source = input
        var out = [UInt8](repeating: 0, count: Int(deflateBound(strm, UInt(input.count))) + 64)
        let written: Int = source.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                strm.pointee.next_in = src.baseAddress
                strm.pointee.avail_in = UInt32(src.count)
                strm.pointee.next_out = dst.baseAddress
                strm.pointee.avail_out = UInt32(dst.count)
                precondition(deflate(strm, Z_FINISH) == Z_STREAM_END)
                return dst.count - Int(strm.pointee.avail_out)
            }
        }
        return Array(out.prefix(written))
    }
}
