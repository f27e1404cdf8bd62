import FoundationEssentials
import Glibc

/// A temporary file `.NAME.tmp-XXXXXX` beside where the output goes, held under an
/// exclusive flock for as long as it is open: that lock is how the next run tells a live
/// writer's file from one a killed writer left behind (`OutputPreflight`).
final class TemporaryOutput {
    let path: String
    let descriptor: Int32

    struct Failure: Error {
        let errno: Int32
    }

    static func prefix(for name: String) -> String { ".\(name).tmp-" }

    init(directory: String, name: String) throws(Failure) {
        var template = Array("\(directory)/\(Self.prefix(for: name))XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw Failure(errno: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        descriptor = fd
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        _ = flock(fd, LOCK_EX)
        _ = fchmod(fd, 0o644)
    }

    /// Writes all of `bytes`; the errno on failure.
    func write(_ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }

    /// fsync; the errno on failure (ENOSPC can surface only here on some file systems).
    func sync() -> Int32? {
        while fsync(descriptor) != 0 {
            if errno != EINTR { return errno }
        }
        return nil
    }

    /// Closes and unlinks it.
    func remove() {
        unlink(path)
        _ = Glibc.close(descriptor)
    }

    /// Closes it, keeping the file (after it was renamed into place).
    func close() {
        _ = Glibc.close(descriptor)
    }
}
