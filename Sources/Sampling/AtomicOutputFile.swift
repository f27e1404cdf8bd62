import Foundation

/// A file written under a temporary name in its final directory and renamed into
/// place only when complete: an error or a kill never leaves a partial output.
/// Creating it up front also proves the path writable before sampling starts.
///
/// A path that names something other than a regular file (`/dev/null`,
/// `/dev/stdout`, a FIFO) is written directly: renaming over it would replace the
/// device or pipe with a regular file. A symbolic link is followed, so the file
/// it points to is replaced and the link stays.
public final class AtomicOutputFile {
    public let path: String
    /// The temporary file, or nil when writing directly to a non-regular file.
    private let temporaryPath: String?
    /// Where the temporary file is renamed to (`path` with symbolic links resolved).
    private let finalPath: String
    private var handle: UnsafeMutablePointer<FILE>?
    private var committed = false

    public init(path: String) throws(OutputFileError) {
        self.path = path
        var status = stat()
        let exists = stat(path, &status) == 0
        if exists && (status.st_mode & S_IFMT) == S_IFDIR {
            throw OutputFileError(path: path, operation: "write", errno: EISDIR,
                                  hint: "name a file, not a directory")
        }
        if exists && (status.st_mode & S_IFMT) != S_IFREG {
            guard let direct = fopen(path, "w") else {
                throw OutputFileError(path: path, operation: "open", errno: errno)
            }
            handle = direct
            temporaryPath = nil
            finalPath = path
            return
        }
        finalPath = exists ? (URL(fileURLWithPath: path).resolvingSymlinksInPath().path) : path
        let url = URL(fileURLWithPath: finalPath)
        let directory = url.deletingLastPathComponent().path
        var template = Array("\(directory)/.\(url.lastPathComponent).tmp-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else {
            throw OutputFileError(path: path, operation: "create a file in \(directory)", errno: errno)
        }
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(fd, 0o644)
        handle = fdopen(fd, "w")
    }

    deinit {
        if !committed { discard() }
    }

    /// Appends text. Errors surface at `commit`, like stdio's.
    public func write(_ text: String) {
        guard let handle else { return }
        fputs(text, handle)
    }

    /// Flushes, syncs and renames the file into place.
    public func commit() throws(OutputFileError) {
        guard let handle else { return }
        self.handle = nil
        let flushed = fflush(handle) == 0
        var code = errno
        // fsync fails with EINVAL on pipes and character devices: only regular files are synced.
        let synced = temporaryPath == nil || fsync(fileno(handle)) == 0
        if flushed && !synced { code = errno }
        fclose(handle)
        guard let temporaryPath else {
            if !flushed { throw OutputFileError(path: path, operation: "write", errno: code) }
            committed = true
            return
        }
        if !flushed || !synced {
            unlink(temporaryPath)
            throw OutputFileError(path: path, operation: "write", errno: code)
        }
        guard rename(temporaryPath, finalPath) == 0 else {
            let code = errno
            unlink(temporaryPath)
            throw OutputFileError(path: path, operation: "rename into place", errno: code)
        }
        committed = true
    }

    /// Removes the temporary file; nothing appears at `path`.
    public func discard() {
        if let handle { fclose(handle) }
        handle = nil
        if let temporaryPath { unlink(temporaryPath) }
    }
}

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
