import CZlib

/// gzip (RFC 1952) through the system's zlib: what pprof files and Go's
/// `/debug/pprof/profile` carry their protobuf in.
public enum Gzip {
    /// The first two bytes of every gzip member (RFC 1952, 2.3.1).
    public static let magic: [UInt8] = [0x1f, 0x8b]

    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == magic[0] && bytes[1] == magic[1]
    }

    /// `bytes` as one gzip member.
    public static func compress(_ bytes: [UInt8], level: Int32 = Z_DEFAULT_COMPRESSION) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        let initialized = flametop_deflate_init_gzip(&stream, level)
        guard initialized == Z_OK else { throw GzipError(operation: .compress, code: initialized) }
        defer { deflateEnd(&stream) }
        // deflateBound covers the worst case of one deflate call; the gzip wrapper adds 18 bytes.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 18)
        let status: Int32 = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            throw GzipError(operation: .compress, code: status, message: message(of: stream))
        }
        output.removeLast(Int(stream.avail_out))
        return output
    }

    /// The data of every gzip member in `bytes`, one after the other (as gunzip does).
    public static func decompress(_ bytes: [UInt8]) throws(GzipError) -> [UInt8] {
        var output: [UInt8] = []
        var consumed = 0
        while consumed < bytes.count {
            consumed += try decompressMember(bytes, from: consumed, into: &output)
        }
        return output
    }

    /// `bytes` decompressed when they start as gzip does, else as they are: pprof files come both ways.
    public static func decompressIfNeeded(_ bytes: [UInt8]) throws(GzipError) -> [UInt8] {
        isCompressed(bytes) ? try decompress(bytes) : bytes
    }

    /// Inflates the member starting at `start`; returns the bytes it took.
    private static func decompressMember(_ bytes: [UInt8], from start: Int,
                                         into output: inout [UInt8]) throws(GzipError) -> Int {
        var stream = z_stream()
        let initialized = flametop_inflate_init_gzip(&stream)
        guard initialized == Z_OK else { throw GzipError(operation: .decompress, code: initialized) }
        defer { inflateEnd(&stream) }
        var chunk = [UInt8](repeating: 0, count: max(64 * 1024, (bytes.count - start) * 4))
        var status: Int32 = Z_OK
        let taken: Int = bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + start)
            stream.avail_in = uInt(input.count - start)
            while status == Z_OK {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return out.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[..<produced])
                // Z_BUF_ERROR with input left means no progress was possible: the data ended early.
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
                if status == Z_BUF_ERROR && produced > 0 { status = Z_OK }
            }
            return input.count - start - Int(stream.avail_in)
        }
        guard status == Z_STREAM_END else {
            let code = status == Z_OK || status == Z_BUF_ERROR ? Z_BUF_ERROR : status
            throw GzipError(operation: .decompress, code: code, message: message(of: stream))
        }
        return taken
    }

    private static func message(of stream: z_stream) -> String? {
        stream.msg.map { String(cString: $0) }
    }
}
