/// Why zlib refused to compress or decompress: the operation and zlib's status code,
/// with its message where the stream had one.
public struct GzipError: Error, Equatable, CustomStringConvertible {
    public enum Operation: String, Sendable {
        case compress
        case decompress
    }

    public var operation: Operation
    /// zlib's return code (`Z_DATA_ERROR` is -3, `Z_BUF_ERROR` -5, `Z_MEM_ERROR` -4).
    public var code: Int32
    /// `z_stream.msg`, when zlib set one.
    public var message: String?

    public init(operation: Operation, code: Int32, message: String? = nil) {
        self.operation = operation
        self.code = code
        self.message = message
    }

    public var description: String {
        let reason = message ?? Self.name(of: code)
        return "cannot \(operation.rawValue) gzip data: \(reason)"
    }

    static func name(of code: Int32) -> String {
        switch code {
        case -2: "inconsistent stream state (Z_STREAM_ERROR)"
        case -3: "corrupt or not gzip data (Z_DATA_ERROR)"
        case -4: "out of memory (Z_MEM_ERROR)"
        case -5: "data ends early (truncated)"
        case -6: "zlib version mismatch (Z_VERSION_ERROR)"
        default: "zlib error \(code)"
        }
    }
}
