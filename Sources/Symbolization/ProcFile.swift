import Glibc

/// Reads /proc files whole, as bytes. /proc files report size 0 in `stat`, so the
/// buffer grows until `read` returns 0; each syscall retries EINTR.
enum ProcFile {
    static func readAll(_ path: String, initialCapacity: Int = 64 * 1024) throws(SymbolizationError) -> [UInt8] {
        let fd = try open(path)
        defer { close(fd) }
        // A raw buffer grown with realloc: zero-filling an Array first costs more than the read.
        var capacity = max(initialCapacity, 4096)
        guard var buffer = malloc(capacity) else { throw .cannotRead(path: path, errno: ENOMEM) }
        defer { free(buffer) }
        var count = 0
        while true {
            if count == capacity {
                capacity *= 2
                guard let grown = realloc(buffer, capacity) else { throw .cannotRead(path: path, errno: ENOMEM) }
                buffer = grown
            }
            let got = try read(fd, into: buffer + count, count: capacity - count, path: path)
            if got == 0 { break }
            count += got
        }
        return Array(UnsafeRawBufferPointer(start: buffer, count: count))
    }

    /// Calls `body` with each line of a file, without its newline, reading `chunkSize` bytes
    /// at a time so a large file is never held whole (/proc/kallsyms is 5 MB, the process's
    /// whole budget is 30 MB). A line cut by a read is carried over and completed by the next;
    /// a line longer than a chunk grows the buffer. A last line without newline counts too.
    static func forEachLine(_ path: String, chunkSize: Int = 64 * 1024,
                            _ body: (UnsafeBufferPointer<UInt8>) throws(SymbolizationError) -> Void)
        throws(SymbolizationError) {
        precondition(chunkSize > 0, "chunk size must be positive")
        let fd = try open(path)
        defer { close(fd) }
        // Room for a chunk after a carried-over line; kallsyms lines are under 600 bytes.
        var capacity = chunkSize + min(chunkSize, 4096)
        guard var buffer = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else {
            throw .cannotRead(path: path, errno: ENOMEM)
        }
        defer { free(buffer) }
        var carried = 0
        while true {
            if carried + chunkSize > capacity {
                capacity = carried + chunkSize
                guard let grown = realloc(buffer, capacity) else { throw .cannotRead(path: path, errno: ENOMEM) }
                buffer = grown.assumingMemoryBound(to: UInt8.self)
            }
            let got = try read(fd, into: buffer + carried, count: chunkSize, path: path)
            let filled = carried + got
            if got == 0 {
                if filled > 0 { try body(UnsafeBufferPointer(start: buffer, count: filled)) }
                return
            }
            let consumed = try forEachLine(in: UnsafeBufferPointer(start: buffer, count: filled), body)
            carried = filled - consumed
            if carried > 0, consumed > 0 { memmove(buffer, buffer + consumed, carried) }
        }
    }

    /// Calls `body` with each newline-terminated line of `bytes`; returns how many bytes those
    /// lines took (the start of the unterminated rest).
    @discardableResult
    static func forEachLine(in bytes: UnsafeBufferPointer<UInt8>,
                            _ body: (UnsafeBufferPointer<UInt8>) throws(SymbolizationError) -> Void)
        throws(SymbolizationError) -> Int {
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = bytes.index(of: UInt8(ascii: "\n"), from: lineStart)
            guard lineEnd < bytes.count else { break }
            try body(UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]))
            lineStart = lineEnd + 1
        }
        return lineStart
    }

    /// One read(2), retried on EINTR; 0 at end of file.
    private static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int,
                             path: String) throws(SymbolizationError) -> Int {
        while true {
            let got = Glibc.read(fd, buffer, count)
            if got >= 0 { return got }
            if errno != EINTR { throw .cannotRead(path: path, errno: errno) }
        }
    }

    /// Reads `count` bytes of process `pid`'s memory at `address` through /proc/PID/mem
    /// (needs ptrace access: root, or the caller's own child under Yama scope 1).
    static func readMemory(pid: Int32, address: UInt64, count: Int) throws(SymbolizationError) -> [UInt8] {
        let path = "/proc/\(pid)/mem"
        let fd = try open(path)
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + done, count - done, off_t(Int64(bitPattern: address)) + off_t(done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, errno: errno)
            }
            if got == 0 { throw .cannotRead(path: path, errno: EIO) }
            done += got
        }
        return bytes
    }

    static func open(_ path: String) throws(SymbolizationError) -> Int32 {
        while true {
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return fd }
            if errno != EINTR { throw .cannotOpen(path: path, errno: errno) }
        }
    }
}
