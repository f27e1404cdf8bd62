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
            let got = Glibc.read(fd, buffer + count, capacity - count)
            if got < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, errno: errno)
            }
            if got == 0 { break }
            count += got
        }
        return Array(UnsafeRawBufferPointer(start: buffer, count: count))
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
