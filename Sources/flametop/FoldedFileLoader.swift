import Glibc
import PlatformSupport
import Pprof
import Profile

/// Reads a folded file (or, through `PprofFileLoader`, a pprof file) for `view`. What the path is gets checked before reading — a
/// directory, a FIFO or /dev/zero would fail oddly, block or never end — and the text goes
/// straight into one string (no second copy), then into a compact `StackTable`.
enum FoldedFileLoader {
    /// `view` holds the file while it reads it, then the profile: for files of many stacks over
    /// few names about three times the file, for a name per line much more (`view --help`).
    static let maximumBytes = 4 << 30

    static func load(_ path: String, processRoots: Bool) throws(CommandFailure) -> StackTable {
        if PprofFileLoader.isPprof(path) {
            return StackTable(try PprofFileLoader.read(path, processRoots: processRoots).counts)
        }
        let text = try readText(path)
        do {
            return try FoldedReader(options: .init(rootIsProcess: processRoots)).readTable(text)
        } catch {
            throw CommandFailure("\(path): \(error.description)\nhint: \(error.hint)")
        }
    }

    static func readText(_ path: String) throws(CommandFailure) -> String {
        guard !path.isEmpty else { throw CommandFailure("no file given (the path is empty)") }
        // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        let fd = retryingEINTR { open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard fd >= 0 else { throw CommandFailure("\(path) \(openFailure(errno))") }
        defer { close(fd) }
        guard let status = FileStatus(descriptor: fd) else {
            throw CommandFailure("\(path): cannot stat it: \(String(cString: strerror(errno)))")
        }
        if let kind = notARegularFile(status.mode) { throw CommandFailure("\(path) is \(kind)") }
        let size = status.size
        guard size <= maximumBytes else {
            throw CommandFailure("""
                \(path) is \(size >> 20) MiB; `view` reads files up to \(maximumBytes >> 30) GiB \
                (it holds the file and its profile in memory)
                """)
        }
        var readErrno: Int32 = 0
        let text = String(unsafeUninitializedCapacity: size) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var filled = 0
            while filled < size {
                let got = retryingEINTR { read(fd, base + filled, size - filled) }
                if got < 0 { readErrno = errno }
                if got <= 0 { break }
                filled += got
            }
            return filled
        }
        guard readErrno == 0 else {
            throw CommandFailure("\(path): read failed: \(String(cString: strerror(readErrno)))")
        }
        return text
    }

    private static func openFailure(_ code: Int32) -> String {
        switch code {
        case ENOENT: "does not exist"
        case EACCES, EPERM: "cannot be read: permission denied (open it as its owner, or copy it)"
        case ENOTDIR: "does not exist (a part of the path is not a directory)"
        default: "cannot be opened: \(String(cString: strerror(code)))"
        }
    }

    /// What the path is when it is not a regular file, in words.
    private static func notARegularFile(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory, not a folded file: name a file in it"
        case S_IFIFO: "a FIFO (named pipe): `view` reads a whole file; save the stream to a file first"
        case S_IFCHR: "a character device, not a folded file"
        case S_IFBLK: "a block device, not a folded file"
        case S_IFSOCK: "a socket, not a folded file"
        default: "not a regular file"
        }
    }

    private static func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}
