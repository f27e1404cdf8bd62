#if canImport(Glibc)
import Glibc
#endif

/// What `stat(2)` says of a file. A module that also sees Foundation (through a dependency)
/// finds `struct stat`'s fields attributed to CoreFoundation, which it does not import; reading
/// them here keeps those callers free of that import.
public struct FileStatus: Sendable {
    public let mode: mode_t
    public let size: Int

    /// The status of an open descriptor; nil with `errno` set when `fstat` fails.
    public init?(descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        mode = status.st_mode
        size = Int(status.st_size)
    }

    /// The status of a path (following symbolic links); nil with `errno` set when `stat` fails.
    public init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        mode = status.st_mode
        size = Int(status.st_size)
    }

    public var isRegularFile: Bool { mode & S_IFMT == S_IFREG }
    public var isDirectory: Bool { mode & S_IFMT == S_IFDIR }
}
