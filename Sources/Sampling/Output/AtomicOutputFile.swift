import FoundationEssentials
import Glibc
import Profile

/// A file written under a temporary name in its final directory and renamed into
/// place only when complete: an error or a kill never leaves a partial output.
///
/// Opening it checks the path (`OutputPreflight`) so an unusable one fails before
/// sampling starts; the temporary file itself is created by the first `write`, at the
/// end, so a run killed while sampling leaves nothing behind, and one killed while
/// writing leaves a file the next run removes.
///
/// A path that names something other than a regular file (`/dev/null`,
/// `/dev/stdout`, a FIFO) is written directly: renaming over it would replace the
/// device or pipe with a regular file. A symbolic link is followed, so the file
/// it points to is replaced and the link stays.
public final class AtomicOutputFile {
    public let path: String
    /// Where the temporary file is renamed to (`path` with symbolic links resolved).
    private let finalPath: String
    private let directory: String
    private let name: String
    /// Writing straight to a device or pipe.
    private let isDirect: Bool
    private var temporary: TemporaryOutput?
    private var handle: UnsafeMutablePointer<FILE>?
    /// The first failure to create the temporary file, reported by `commit`.
    private var openError: OutputFileError?
    private var committed = false

    /// `preflight: false` skips the probe file, for a caller that writes at once (an export,
    /// an autosave every few seconds): the write itself then reports the same errors.
    public init(path: String, preflight: Bool = true) throws(OutputFileError) {
        self.path = path
        guard !path.isEmpty else {
            throw OutputFileError(path: path, operation: "write the profile", errno: ENOENT,
                                  hint: "the output path is empty: give --output a file name")
        }
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
            isDirect = true
            finalPath = path
            directory = ""
            name = ""
            return
        }
        isDirect = false
        finalPath = exists ? (URL(fileURLWithPath: path).resolvingSymlinksInPath().path) : path
        let url = URL(fileURLWithPath: finalPath)
        directory = url.deletingLastPathComponent().path
        name = url.lastPathComponent
        if preflight {
            try OutputPreflight.check(directory: directory, name: name, for: path)
        } else {
            OutputPreflight.removeStaleTemporaries(in: directory, name: name)
        }
    }

    deinit {
        if !committed { discard() }
    }

    /// Appends text. Errors surface at `commit`, like stdio's.
    public func write(_ text: String) {
        if handle == nil && !isDirect && openError == nil && !committed { openTemporary() }
        guard let handle else { return }
        fputs(text, handle)
    }

    /// Appends bytes (a binary format: gzipped pprof). Errors surface at `commit`.
    public func write(_ bytes: [UInt8]) {
        if handle == nil && !isDirect && openError == nil && !committed { openTemporary() }
        guard let handle, !bytes.isEmpty else { return }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
    }

    private func openTemporary() {
        do throws(TemporaryOutput.Failure) {
            let file = try TemporaryOutput(directory: directory, name: name)
            guard let stream = fdopen(dup(file.descriptor), "w") else {
                openError = OutputFileError(path: path, operation: "open a file in \(directory)", errno: errno)
                file.remove()
                return
            }
            temporary = file
            handle = stream
        } catch {
            openError = OutputFileError(path: path, operation: "create a file in \(directory)", errno: error.errno,
                                        hint: OutputPreflight.hint(creatingIn: directory, errno: error.errno))
        }
    }

    /// Flushes, syncs and renames the file into place.
    public func commit() throws(OutputFileError) {
        if handle == nil && !isDirect && openError == nil && !committed { openTemporary() }
        if let openError { throw openError }
        guard let handle else { return }
        self.handle = nil
        let flushed = fflush(handle) == 0
        let flushErrno = errno
        fclose(handle)
        guard let temporary else {
            if !flushed { throw OutputFileError(path: path, operation: "write", errno: flushErrno) }
            committed = true
            return
        }
        self.temporary = nil
        // Only the temporary file is synced: fsync fails with EINVAL on pipes and devices.
        if let code = flushed ? temporary.sync() : flushErrno {
            temporary.remove()
            throw OutputFileError(path: path, operation: "write", errno: code)
        }
        // Renamed while still locked, so the next run never takes it for a stale one.
        guard rename(temporary.path, finalPath) == 0 else {
            let code = errno
            temporary.remove()
            throw OutputFileError(path: path, operation: "rename into place", errno: code)
        }
        temporary.close()
        committed = true
    }

    /// Writes `counts` and commits; when that fails, writes them to the first of
    /// `fallbackDirectories` that takes them (created when missing), so an output error
    /// at the end of a run never loses the profile.
    public func save(_ counts: StackCounts, writer: FoldedWriter, fallbackDirectories: [String]) -> SavedOutput {
        save(fallbackDirectories: fallbackDirectories, fallbackName: "flametop-profile.folded") { file in
            writer.write(counts) { line in file.write(line + "\n") }
        }
    }

    /// Writes what `content` puts into the file it is given and commits; on failure,
    /// writes it again to the first of `fallbackDirectories` that takes it (as the
    /// folded `save` does). `fallbackName` names the file when this one has no name
    /// (a device).
    public func save(fallbackDirectories: [String], fallbackName: String,
                     content: (AtomicOutputFile) -> Void) -> SavedOutput {
        content(self)
        let failure: OutputFileError
        do throws(OutputFileError) {
            try commit()
            return .wrote(path: path)
        } catch {
            failure = error
        }
        var fallbackFailures: [OutputFileError] = []
        let fallbackName = name.isEmpty ? fallbackName : name
        for directory in fallbackDirectories {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
            do throws(OutputFileError) {
                let fallback = try AtomicOutputFile(path: directory + "/" + fallbackName)
                content(fallback)
                try fallback.commit()
                return .wroteInstead(path: fallback.path, failure: failure)
            } catch {
                fallbackFailures.append(error)
            }
        }
        return .lost(failure: failure, fallbackFailures: fallbackFailures)
    }

    /// Removes the temporary file; nothing appears at `path`.
    public func discard() {
        if let handle { fclose(handle) }
        handle = nil
        temporary?.remove()
        temporary = nil
    }
}
