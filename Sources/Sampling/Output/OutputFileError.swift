import Glibc

/// An output file that could not be checked, created or written: the path, the operation,
/// the errno and what the user can do.
public struct OutputFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var operation: String
    public var errno: Int32
    public var hint: String

    public init(path: String, operation: String, errno: Int32, hint: String = "") {
        self.path = path
        self.operation = operation
        self.errno = errno
        self.hint = hint.isEmpty ? Self.hint(for: errno) : hint
    }

    public var description: String {
        "cannot \(operation) for \(path): \(String(cString: strerror(errno))) (errno \(errno))"
            + (hint.isEmpty ? "" : "\nhint: \(hint)")
    }

    static func hint(for code: Int32) -> String {
        switch code {
        case EROFS: return "the file system is mounted read-only: choose another --output path"
        case EACCES, EPERM: return "no permission to write there: choose another --output path"
        case ENOENT: return "the directory does not exist: create it or choose another --output path"
        case ENOSPC, EDQUOT: return "the disk is full"
        default: return ""
        }
    }
}
